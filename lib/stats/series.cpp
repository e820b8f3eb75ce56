#include "stats/series.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "util/error.hpp"

namespace mlops::stats {

using nlohmann::json;
using store::Stmt;

namespace {

// The agent and model of a point come from its run: the model it used, else the one it produced.
const char* kSelect =
    "SELECT s.id, s.run, s.ion, s.node, coalesce(r.agent, ''), coalesce(nullif(r.model_in, ''), r.model, ''), "
    "s.source, s.name, s.step, s.value, s.labels, s.at_ms FROM stats s LEFT JOIN runs r ON r.id = s.run "
    "WHERE s.id > ?1 AND (?2 = '' OR s.ion = ?2) AND (?3 = '' OR s.node = ?3) AND (?4 = '' OR s.run = ?4) "
    "AND (?5 = '' OR s.name = ?5) AND (?6 = '' OR s.source = ?6) AND s.at_ms >= ?7 AND s.at_ms < ?8 "
    "AND (?9 = '' OR coalesce(nullif(r.agent, ''), 'local') = ?9)";

void bind_filter(Stmt& s, const Filter& f) {
  s.bind(1, f.after_id).bind(2, f.ion).bind(3, f.node).bind(4, f.run).bind(5, f.name).bind(6, f.source);
  s.bind(7, f.since_ms.value_or(INT64_MIN)).bind(8, f.until_ms.value_or(INT64_MAX)).bind(9, f.agent);
}

json point_of(Stmt& s) {
  json labels = json::parse(s.text(10), nullptr, false);
  if (labels.is_discarded()) labels = json::object();
  std::string agent = s.text(4);
  return {{"id", s.integer(0)},
          {"run", s.text(1)},
          {"ion", s.text(2)},
          {"node", s.text(3)},
          {"agent", agent.empty() ? "local" : agent},
          {"model", s.text(5)},
          {"source", s.text(6)},
          {"name", s.text(7)},
          {"step", s.is_null(8) ? json(nullptr) : json(s.integer(8))},
          {"value", s.real(9)},
          {"labels", labels},
          {"atMs", s.integer(11)}};
}

double aggregate(std::vector<double>& v, const std::string& agg) {
  if (agg == "count") return static_cast<double>(v.size());
  if (agg == "sum" || agg == "avg") {
    double s = 0;
    for (double x : v) s += x;
    return agg == "sum" ? s : s / static_cast<double>(v.size());
  }
  std::sort(v.begin(), v.end());
  if (agg == "min") return v.front();
  if (agg == "max") return v.back();
  // Percentiles by linear interpolation between closest ranks (numpy's default).
  double q = agg == "p50" ? 0.5 : agg == "p95" ? 0.95 : 0.99;
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

json points(store::Store& store, const Filter& f) {
  std::string sql = kSelect;
  // The newest `limit`, then oldest first.
  if (f.limit > 0) sql = "SELECT * FROM (" + sql + " ORDER BY s.id DESC LIMIT " + std::to_string(f.limit) + ") ORDER BY 1";
  else sql += " ORDER BY s.id";
  Stmt s(store.catalog().handle(), sql);
  bind_filter(s, f);
  json out = json::array();
  while (s.step()) out.push_back(point_of(s));
  return out;
}

int64_t last_id(store::Store& store) {
  Stmt s(store.catalog().handle(), "SELECT coalesce(max(id), 0) FROM stats");
  s.step();
  return s.integer(0);
}

void check_aggregation(const std::string& agg) {
  static const std::vector<std::string> kAggs = {"avg", "min", "max", "sum", "count", "p50", "p95", "p99"};
  if (std::find(kAggs.begin(), kAggs.end(), agg) == kAggs.end())
    throw util::Error(util::Exit::usage, "unknown aggregation '" + agg + "'", "use avg, min, max, sum, count, p50, p95 or p99");
}

json buckets(store::Store& store, const Filter& f, int64_t every_ms, const std::string& agg) {
  check_aggregation(agg);
  if (every_ms <= 0) throw util::Error(util::Exit::usage, "a bucket must be longer than zero");
  Stmt s(store.catalog().handle(), std::string(kSelect) + " ORDER BY s.at_ms");
  bind_filter(s, f);
  const int64_t origin = f.since_ms.value_or(0);
  std::map<int64_t, std::vector<double>> by_bucket;
  while (s.step()) {
    int64_t at = s.integer(11);
    int64_t k = (at - origin) >= 0 ? (at - origin) / every_ms : ((at - origin) - every_ms + 1) / every_ms;
    by_bucket[origin + k * every_ms].push_back(s.real(9));
  }
  json out = json::array();
  for (auto& [start, values] : by_bucket) {
    size_t n = values.size();
    out.push_back({{"atMs", start}, {"value", aggregate(values, agg)}, {"points", n}});
  }
  return out;
}

json summaries(store::Store& store, const Filter& f, size_t recent) {
  Stmt s(store.catalog().handle(), std::string(kSelect) + " ORDER BY s.id");
  bind_filter(s, f);
  std::map<std::pair<std::string, std::string>, json> rows;
  while (s.step()) {
    double v = s.real(9);
    json& row = rows[{s.text(7), s.text(6)}];
    if (row.is_null()) row = {{"name", s.text(7)}, {"source", s.text(6)}, {"points", 0}, {"min", v}, {"max", v}, {"recent", json::array()}};
    row["points"] = row["points"].get<int64_t>() + 1;
    row["last"] = v;
    row["lastAtMs"] = s.integer(11);
    row["min"] = std::min(row["min"].get<double>(), v);
    row["max"] = std::max(row["max"].get<double>(), v);
    auto& r = row["recent"];
    r.push_back(v);
    if (r.size() > recent) r.erase(r.begin());
  }
  json out = json::array();
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

int64_t prune(store::Store& store, int64_t before_ms) {
  Stmt s(store.catalog().handle(), "DELETE FROM stats WHERE at_ms < ?");
  s.bind(1, before_ms).run();
  return sqlite3_changes(store.catalog().handle());
}

}  // namespace mlops::stats
