// A small HTTP client (cpp-httplib): polls of services beside the runtime (a Spark driver's REST API),
// and requests to an mlops server over TLS with its CA, a client certificate or a bearer token.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::net {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string ca_file;               // trust only this CA (empty: the system's)
  std::string cert_file, key_file;   // a client certificate
  long timeout_ms = 30000;  // 0: as long as data keeps coming (transfers)
  bool proxy = true;  // the environment's https_proxy/no_proxy; false: never (loopback services)
  // Bytes per second, 0 for no limit: thin links are shared with what the device is there for.
  int64_t max_send_rate = 0, max_receive_rate = 0;
  // When set, a 2xx body goes here as it arrives instead of into HttpResponse::body; returning
  // false aborts the transfer (an error).
  std::function<bool(const char* data, size_t size)> sink;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string header(const std::string& lower_name) const;
};

// Any answer, whatever its status; no answer at all (refused, TLS failure, timeout) is an error
// naming the URL and why.
HttpResponse http_request(const HttpRequest& request);

// The body of a 2xx answer, or nullopt when the server is not there (yet), answers otherwise or
// takes longer than `timeout_ms`.
std::optional<std::string> http_get(const std::string& url, long timeout_ms);

}  // namespace mlops::net
