// The agent's line to its server: requests with its client certificate, and blob transfers that
// resume where they stopped (downloads with Range into a partial file kept across restarts,
// uploads through the server's resumable uploads), verified by digest on arrival.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/config.hpp"
#include "api/metrics.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

namespace mlops::agent {

// Where a server is and how to prove who is asking: a client certificate (agents) or a token.
struct Endpoint {
  std::string server, ca, cert, key, token;
  std::string partial_dir;  // where interrupted downloads wait to be resumed
  int64_t max_rate = 0;
};

class Link {
 public:
  explicit Link(const AgentConfig& config);
  explicit Link(Endpoint endpoint);

  // Any answer; no answer at all is an error (the server is unreachable).
  net::HttpResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                            std::vector<std::string> headers = {});
  // The JSON of a 2xx answer; other answers are errors with the server's message.
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);

  // Fetches blob `hex` into `store` unless it is there; returns the bytes fetched now.
  uint64_t download_blob(store::Store& store, const std::string& hex);
  // Sends blob `hex` of `store` unless the server has it; returns the bytes sent now.
  uint64_t upload_blob(store::Store& store, const std::string& hex);

  const std::string& server() const { return e_.server; }
  // How long each request to the server took, for the agent's /metrics.
  api::LatencyHistogram latencies;

 private:
  net::HttpRequest make(const std::string& method, const std::string& path) const;
  Endpoint e_;
};

// "GET /path: 403 message" from a Status answer, for errors.
std::string describe_answer(const std::string& what, const net::HttpResponse& r);

}  // namespace mlops::agent
