#include "api/stats.hpp"

#include <cctype>
#include <cstdio>

#include "util/error.hpp"

namespace mlops::api {

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string stats_query(const stats::Filter& f) {
  std::string q;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    q += (q.empty() ? "" : "&") + std::string(key) + "=" + url_escape(value);
  };
  add("ion", f.ion);
  add("node", f.node);
  add("agent", f.agent);
  add("run", f.run);
  add("name", f.name);
  add("source", f.source);
  if (f.after_id) add("after", std::to_string(f.after_id));
  if (f.since_ms) add("since", std::to_string(*f.since_ms));
  if (f.until_ms) add("until", std::to_string(*f.until_ms));
  if (f.limit) add("limit", std::to_string(f.limit));
  return q;
}

stats::Filter stats_filter(const std::function<std::string(const char*)>& param) {
  stats::Filter f;
  f.ion = param("ion");
  f.node = param("node");
  f.agent = param("agent");
  f.run = param("run");
  f.name = param("name");
  f.source = param("source");
  auto number = [&](const char* key) -> std::optional<int64_t> {
    std::string v = param(key);
    if (v.empty()) return std::nullopt;
    size_t digits = v[0] == '-' ? 1 : 0;
    if (v.size() == digits || v.size() > 19 || v.find_first_not_of("0123456789", digits) != std::string::npos)
      throw util::Error(util::Exit::usage, std::string("invalid ") + key + " '" + v + "': a whole number");
    return std::stoll(v);
  };
  f.after_id = number("after").value_or(0);
  f.since_ms = number("since");
  f.until_ms = number("until");
  f.limit = number("limit").value_or(0);
  if (f.limit < 0) throw util::Error(util::Exit::usage, "invalid limit: zero or more");
  return f;
}

}  // namespace mlops::api
