#include "api/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/alerts.hpp"
#include "runtime/health.hpp"
#include "util/strings.hpp"

namespace mlops::api {

using store::Stmt;

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return util::format_number(v);
}

}  // namespace

void Exposition::family(const std::string& name, const std::string& type, const std::string& help) {
  text_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Exposition::sample(const std::string& name, const Labels& labels, double value) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      text_ += (first ? "" : ",") + k + "=\"" + escape_label(v) + "\"";
      first = false;
    }
    text_ += '}';
  }
  text_ += " " + number(value) + "\n";
}

void LatencyHistogram::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& s = series_[{method, route, status ? std::to_string(status / 100) + "xx" : "error"}];
  for (size_t i = 0; i < kBounds.size(); ++i)
    if (seconds <= kBounds[i]) ++s.buckets[i];
  ++s.count;
  s.sum += seconds;
}

void LatencyHistogram::write(Exposition& out, const std::string& name, const std::string& help) const {
  out.family(name, "histogram", help);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, s] : series_) {
    Exposition::Labels labels = {{"method", key[0]}, {"route", key[1]}, {"code", key[2]}};
    for (size_t i = 0; i < kBounds.size(); ++i) {
      auto l = labels;
      l["le"] = number(kBounds[i]);
      out.sample(name + "_bucket", l, static_cast<double>(s.buckets[i]));
    }
    auto l = labels;
    l["le"] = "+Inf";
    out.sample(name + "_bucket", l, static_cast<double>(s.count));
    out.sample(name + "_sum", labels, s.sum);
    out.sample(name + "_count", labels, static_cast<double>(s.count));
  }
}

std::string route_of(const std::string& path) {
  std::string p = path.substr(0, path.find('?'));
  // Anything else is one label, so a client asking for random paths cannot grow the series.
  static const std::vector<std::string> kResources = {"agents", "alerts", "approvals", "blobs", "events", "health",
                                                      "ions", "models", "pipelines", "run-requests", "runs", "stats",
                                                      "tokens", "uploads", "version", "whoami"};
  if (p == "/metrics") return p;
  if (p.rfind("/api/v1/", 0) != 0) return "other";
  std::string resource = p.substr(8, p.find('/', 8) == std::string::npos ? std::string::npos : p.find('/', 8) - 8);
  if (std::find(kResources.begin(), kResources.end(), resource) == kResources.end()) return "other";
  // /api/v1/<resource> keeps its name; what follows (names, ids, digests) is one placeholder per
  // segment, except the known sub-resources after them.
  static const std::vector<std::string> kSub = {"ack", "assignment", "spool", "log", "cancel", "runs", "flows",
                                               "history", "revisions", "rollback", "aliases", "decisions", "buckets",
                                               "summary", "data", "tree"};
  std::string out;
  size_t segment = 0;
  for (size_t start = 1; start <= p.size(); ++segment) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string part = p.substr(start, end - start);
    bool keep = segment < 3 || std::find(kSub.begin(), kSub.end(), part) != kSub.end();
    if (!part.empty()) out += "/" + (keep ? part : std::string("{}"));
    start = end + 1;
  }
  return out.empty() ? "/" : out;
}

void store_metrics(store::Store& store, Exposition& out) {
  sqlite3* db = store.catalog().handle();
  out.family("mlops_runs_total", "counter", "Runs recorded, by ION, node and status (running counts runs going now).");
  {
    Stmt s(db, "SELECT ion, node, status, count(*) FROM runs GROUP BY ion, node, status ORDER BY 1, 2, 3");
    while (s.step()) out.sample("mlops_runs_total", {{"ion", s.text(0)}, {"node", s.text(1)}, {"status", s.text(2)}},
                                static_cast<double>(s.integer(3)));
  }
  out.family("mlops_run_duration_seconds", "summary", "How long ended runs took, by status.");
  {
    Stmt s(db, "SELECT status, count(*), coalesce(sum(finished_ms - started_ms), 0) FROM runs "
               "WHERE finished_ms IS NOT NULL GROUP BY status ORDER BY 1");
    while (s.step()) {
      out.sample("mlops_run_duration_seconds_sum", {{"status", s.text(0)}}, static_cast<double>(s.integer(2)) / 1000);
      out.sample("mlops_run_duration_seconds_count", {{"status", s.text(0)}}, static_cast<double>(s.integer(1)));
    }
  }
  out.family("mlops_models_produced_total", "counter", "Model versions pushed, by model name.");
  {
    Stmt s(db, "SELECT m.name, count(*) FROM versions v JOIN models m ON m.id = v.model_id GROUP BY m.name ORDER BY 1");
    while (s.step()) out.sample("mlops_models_produced_total", {{"model", s.text(0)}}, static_cast<double>(s.integer(1)));
  }
  out.family("mlops_models_approved_total", "counter", "Approvals people gave, by ION and policy node.");
  {
    Stmt s(db, "SELECT ion, node, count(*) FROM approvals WHERE decision = 'approve' GROUP BY ion, node ORDER BY 1, 2");
    while (s.step())
      out.sample("mlops_models_approved_total", {{"ion", s.text(0)}, {"node", s.text(1)}}, static_cast<double>(s.integer(2)));
  }
  out.family("mlops_models_deployed_total", "counter", "Models first used by a pipeline node, by ION and node.");
  {
    Stmt s(db, "SELECT ion, node, count(*) FROM flow_events WHERE kind = 'deployed' GROUP BY ion, node ORDER BY 1, 2");
    while (s.step())
      out.sample("mlops_models_deployed_total", {{"ion", s.text(0)}, {"node", s.text(1)}}, static_cast<double>(s.integer(2)));
  }
  out.family("mlops_alerts_open", "gauge", "Alerts nobody has acknowledged yet, by source.");
  {
    Stmt s(db, "SELECT source, count(*) FROM alerts WHERE acked_by = '' GROUP BY source ORDER BY 1");
    while (s.step()) out.sample("mlops_alerts_open", {{"source", s.text(0)}}, static_cast<double>(s.integer(1)));
  }
  auto health = runtime::node_health(store, "", "", 1);
  out.family("mlops_health_score", "gauge", "Share of a node's features not drifted in their latest window (1 healthy).");
  for (const auto& n : health)
    out.sample("mlops_health_score", {{"ion", n["ion"]}, {"node", n["node"]}}, n["score"].get<double>());
  out.family("mlops_feature_psi", "gauge", "Population stability index of a feature's latest window against its baseline.");
  for (const auto& n : health)
    for (const auto& f : n["features"])
      if (f["psi"].is_number())
        out.sample("mlops_feature_psi", {{"ion", n["ion"]}, {"node", n["node"]}, {"feature", f["name"]}},
                   f["psi"].get<double>());
}

}  // namespace mlops::api
