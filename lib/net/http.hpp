// A small HTTP client (libcurl) for what the runtime reads from services beside it, such as a Spark
// driver's REST API. One blocking GET at a time, with a short timeout: callers poll.
#pragma once

#include <optional>
#include <string>

namespace mlops::net {

// The body of a 2xx answer, or nullopt when the server is not there (yet), answers otherwise or
// takes longer than `timeout_ms`.
std::optional<std::string> http_get(const std::string& url, long timeout_ms);

}  // namespace mlops::net
