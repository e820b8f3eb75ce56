// What the server's parts share: the state behind the routes, how a caller is known, and the shape
// of answers. The routes live by resource: server.cpp (identity, tokens), models.cpp (models,
// blobs, uploads), agents.cpp (join, registration, assignments, spools), approvals.cpp, runs.cpp,
// ions.cpp (IONs, pipelines), stats.cpp (stats, health, alerts).
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/metrics.hpp"
#include "auth/tokens.hpp"
#include "server/server.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace mlops::server {

// Who is asking: a certificate holder (agents, and the admin certificate) or a token's bearer.
struct Caller {
  std::string name;
  auth::Role role = auth::Role::viewer;
  std::string via;  // "certificate" or "token"
  bool agent = false;
  std::string certificate_sha256;  // of the client certificate, when that is how
};

// Errors in the shape kubectl users know: a Status document with the HTTP code and a message.
void reply_error(httplib::Response& res, int status, const std::string& message, const std::string& hint = "");
void reply_error(httplib::Response& res, int status, const util::Error& e);
void reply(httplib::Response& res, const nlohmann::json& doc, int status = 200);
// The request body as a JSON object, or nullopt after answering 400.
std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res);

// The blobs a version needs that the store lacks (a tree's files only once its manifest is here),
// and the 409 that lists them.
std::vector<std::string> missing_blobs(store::Store& st, const store::ModelVersion& v);
void reply_missing(httplib::Response& res, const std::string& message, const std::vector<std::string>& missing,
                   std::optional<int64_t> acked = std::nullopt);

struct Server::Impl {
  ServerOptions o;
  std::unique_ptr<httplib::Server> http;
  std::mutex store_mutex;  // one store, one catalog connection: requests take turns at it
  std::mutex run_mutex;    // binding and stopping
  bool stopped = false, bound = false;
  std::atomic<bool> finished{false};
  std::unique_ptr<store::Store> store;
  util::SystemClock clock;
  api::LatencyHistogram latencies;  // of every request answered, for /metrics

  // An agent's assignment, kept until what it is made of changes (see agents.cpp).
  struct Assigned {
    std::string inputs, etag, body;
  };
  std::string inputs;  // assignment_inputs, read at most every kInputsEveryMs
  int64_t inputs_ms = 0;
  std::map<std::string, Assigned> assigned;  // by agent, under store_mutex
  std::map<std::string, int64_t> seen_ms;    // agents' last polls, written to the catalog now and then
  int64_t seen_flushed_ms = 0;

  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&, store::Store&)>;
  // A route that needs at least `need`; the handler runs with the store locked, unless
  // `hold_store` is false (it then takes store_mutex itself, after work that needs no store).
  httplib::Server::Handler guarded(auth::Role need, Handler handler, bool hold_store = true);
  // As guarded, for agents only, and only for the agent named in the path's first match.
  httplib::Server::Handler agent_only(Handler handler, bool hold_store = true);

  // An agent's spool (spool.cpp); apply_run returns the blobs to upload first, if any.
  void ingest(const httplib::Request& req, httplib::Response& res, store::Store& st);
  std::vector<std::string> apply_run(store::Store& st, const std::string& agent, const nlohmann::json& item);

  void routes();
  void model_routes();
  void agent_routes();
  void approval_routes();
  void run_routes();
  void ion_routes();
  void pipeline_routes();
  void stats_routes();
};

}  // namespace mlops::server
