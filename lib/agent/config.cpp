#include "agent/config.hpp"

#include <cmath>
#include <cstdlib>

#include "manifest/document.hpp"
#include "schedule/cron.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::agent {

namespace {

std::string resolve(const std::string& dir, const std::string& path) {
  return path.empty() || path.front() == '/' ? path : dir + "/" + path;
}

}  // namespace

int64_t parse_size(const std::string& text) {
  size_t end = 0;
  double number = 0;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  std::string unit = text.substr(end);
  static const std::map<std::string, double> units = {
      {"", 1},          {"B", 1},          {"KB", 1e3},       {"MB", 1e6},         {"GB", 1e9},
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"k", 1e3},      {"M", 1e6}};
  auto it = units.find(unit);
  if (end == 0 || it == units.end() || number < 0 || !std::isfinite(number))
    throw util::Error(util::Exit::usage, "invalid size '" + text + "': use a number and a unit, like 4096, 10MB or 256MiB");
  return static_cast<int64_t>(std::llround(number * it->second));
}

AgentConfig parse_agent_config(const std::string& name, const std::string& text, const std::string& dir) {
  auto docs = manifest::parse_documents({name, text});
  if (docs.size() != 1) throw util::Error(util::Exit::usage, "'" + name + "' must hold one AgentConfig document");
  const auto& d = docs[0];
  d.only_keys({"apiVersion", "kind", "name", "server", "credentials", "dataDir", "labels", "engines", "poll", "spool", "transfer", "metrics", "stats"});
  if (d.at("apiVersion").as_string() != "mlops/v1") d.at("apiVersion").fail("expected apiVersion mlops/v1");
  if (d.at("kind").as_string() != "AgentConfig") d.at("kind").fail("expected kind AgentConfig");
  AgentConfig c;
  c.path = name;
  c.name = d.at("name").as_string();
  if (c.name.empty() || c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") != std::string::npos)
    d.at("name").fail("invalid agent name '" + c.name + "'", "lower-case letters, digits, '-' and '.'");
  c.server = d.at("server").as_string();
  if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0)
    d.at("server").fail("expected an https:// URL");
  c.credentials = resolve(dir, d.has("credentials") ? d.at("credentials").as_string() : "agent");
  c.data_dir = resolve(dir, d.has("dataDir") ? d.at("dataDir").as_string() : "data");
  if (d.has("labels")) c.labels = d.at("labels").as_string_map();
  if (d.has("engines"))
    for (const auto& e : d.at("engines").items()) c.engines.push_back(e.as_string());
  auto duration = [](const manifest::Value& v) {
    try {
      return schedule::parse_duration(v.as_string()) * 1000;
    } catch (const util::Error& e) {
      v.fail(e.what());
    }
  };
  if (d.has("poll")) {
    auto p = d.at("poll");
    p.only_keys({"interval", "maxBackoff"});
    if (p.has("interval")) c.poll_ms = duration(p.at("interval"));
    if (p.has("maxBackoff")) c.max_backoff_ms = duration(p.at("maxBackoff"));
  }
  auto size = [](const manifest::Value& v) {
    try {
      return parse_size(v.as_string());
    } catch (const util::Error& e) {
      v.fail(e.what());
    }
  };
  if (d.has("spool")) {
    auto s = d.at("spool");
    s.only_keys({"maxSize", "overflow"});
    if (s.has("maxSize")) c.spool_max_bytes = size(s.at("maxSize"));
    if (s.has("overflow")) {
      c.overflow = s.at("overflow").as_string();
      if (c.overflow != "drop-oldest" && c.overflow != "drop-newest")
        s.at("overflow").fail("invalid overflow '" + c.overflow + "'", "drop-oldest or drop-newest (stat points only; runs and events are always kept)");
    }
  }
  if (d.has("transfer")) {
    auto t = d.at("transfer");
    t.only_keys({"maxRate"});
    if (t.has("maxRate")) c.max_rate = size(t.at("maxRate"));
  }
  if (d.has("stats")) {
    auto st = d.at("stats");
    st.only_keys({"retention"});
    if (st.has("retention")) c.stats_retention_ms = duration(st.at("retention"));
  }
  if (d.has("metrics")) {
    auto m = d.at("metrics");
    m.only_keys({"listen"});
    auto listen = m.at("listen");
    std::string text = listen.as_string();
    size_t colon = text.rfind(':');
    std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (colon == 0 || colon == std::string::npos || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
      listen.fail("invalid listen address '" + text + "'", "HOST:PORT, e.g. 127.0.0.1:9464 (port 0: any free one)");
    c.metrics_host = text.substr(0, colon);
    c.metrics_port = std::stoi(port);
  }
  if (const char* env = std::getenv("MLOPS_AGENT_SERVER"); env && *env) c.server = env;
  return c;
}

AgentConfig load_agent_config(const std::string& path) {
  std::string dir = util::dirname_of(path);
  if (dir.empty()) dir = ".";
  return parse_agent_config(path, util::read_file(path), dir);
}

}  // namespace mlops::agent
