#include "runtime/health.hpp"

#include <algorithm>
#include <tuple>

#include "health/scores.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::runtime {

using nlohmann::json;

std::string store_baseline(store::Store& store, const json& features) {
  return "sha256:" + store.blobs().put_bytes(json{{"features", features}}.dump()).hex;
}

json model_baseline(store::Store& store, const store::ModelVersion& v) {
  std::string hex = store::baseline_of(v);
  if (hex.empty()) return json::object();
  json doc = json::parse(store.blobs().read_verified(hex), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") || !doc["features"].is_object())
    throw util::Error(util::Exit::integrity, "the baseline of model '" + v.name + ":" + std::to_string(v.version) +
                                                 "' is not a baseline (sha256:" + hex + ")");
  return doc["features"];
}

json stage_baseline(store::Store& store, const std::string& model, const std::string& path) {
  json features = model_baseline(store, store.registry().resolve(store::parse_model_ref(model)));
  if (features.empty()) {
    util::remove_all(path);
  } else {
    util::write_file_atomically(path, json{{"features", features}}.dump(), 0644);
  }
  return features;
}

namespace {


// Whether the last window of this feature at this node drifted from the same model's baseline.
bool drifted_before(store::Store& store, const std::string& ion, const std::string& node, const std::string& feature,
                    const std::string& model) {
  store::Stmt s(store.catalog().handle(),
                "SELECT labels FROM stats WHERE ion = ? AND node = ? AND source = 'health' AND name = ? "
                "ORDER BY id DESC LIMIT 1");
  s.bind(1, ion).bind(2, node).bind(3, feature);
  if (!s.step()) return false;
  json last = json::parse(s.text(0), nullptr, false);
  return last.is_object() && last.value("model", "") == model && last.value("drift", false);
}

}  // namespace

WindowHealth judge_window(store::Store& store, const HealthWatch& watch, const std::string& ion,
                          const std::string& node, const std::string& feature, const json& window) {
  auto scores = health::score(health::distribution_from(watch.baseline.at(feature)), health::distribution_from(window));
  auto thresholds = watch.config.for_feature(feature);
  auto verdict = health::judge(scores, thresholds);
  WindowHealth out;
  out.psi = scores.psi;
  out.labels = {{"model", watch.model}, {"psi", scores.psi}, {"js", scores.js}, {"overlap", scores.overlap},
                {"drift", verdict.drift}, {"reason", verdict.reason}, {"thresholds", health::to_json(thresholds)}};
  if (scores.ks) out.labels["ks"] = *scores.ks;
  out.newly = verdict.drift && !drifted_before(store, ion, node, feature, watch.model);
  return out;
}

json node_health(store::Store& store, const std::string& ion, const std::string& node, size_t windows) {
  std::vector<std::tuple<std::string, std::string, std::string>> keys;  // (ion, node, feature)
  {
    store::Stmt s(store.catalog().handle(),
                  "SELECT DISTINCT ion, node, name FROM stats WHERE source = 'health' AND (? = '' OR ion = ?) "
                  "AND (? = '' OR node = ?) ORDER BY ion, node, name");
    s.bind(1, ion).bind(2, ion).bind(3, node).bind(4, node);
    while (s.step()) keys.emplace_back(s.text(0), s.text(1), s.text(2));
  }
  json out = json::array();
  json* current = nullptr;
  for (const auto& [i, n, feature] : keys) {
    if (!current || (*current)["ion"] != i || (*current)["node"] != n) {
      out.push_back({{"ion", i}, {"node", n}, {"model", ""}, {"atMs", 0}, {"features", json::array()}});
      current = &out.back();
    }
    store::Stmt s(store.catalog().handle(),
                  "SELECT value, labels, at_ms FROM stats WHERE ion = ? AND node = ? AND source = 'health' AND name = ? "
                  "ORDER BY id DESC LIMIT ?");
    s.bind(1, i).bind(2, n).bind(3, feature).bind(4, static_cast<int64_t>(windows));
    json trend = json::array(), latest;
    int64_t latest_at = 0;
    while (s.step()) {
      trend.insert(trend.begin(), s.real(0));
      if (latest.is_null()) {
        latest = json::parse(s.text(1), nullptr, false);
        latest_at = s.integer(2);
      }
    }
    if (!latest.is_object()) continue;
    json f = {{"name", feature}, {"atMs", latest_at}, {"trend", trend}};
    for (const char* k : {"psi", "ks", "js", "overlap", "drift", "reason", "thresholds"})
      f[k] = latest.contains(k) ? latest[k] : json(nullptr);
    if (latest_at >= (*current)["atMs"].get<int64_t>()) {
      (*current)["atMs"] = latest_at;
      (*current)["model"] = latest.value("model", "");
    }
    (*current)["features"].push_back(f);
  }
  for (auto& h : out) {
    auto& features = h["features"];
    std::stable_sort(features.begin(), features.end(), [](const json& a, const json& b) {
      bool da = a.value("drift", false), db = b.value("drift", false);
      if (da != db) return da;
      return a.value("psi", 0.0) > b.value("psi", 0.0);
    });
    size_t drifted = 0;
    for (const auto& f : features) drifted += f.value("drift", false) ? 1 : 0;
    h["drifted"] = drifted;
    h["score"] = features.empty() ? 1.0 : 1.0 - static_cast<double>(drifted) / static_cast<double>(features.size());
  }
  return out;
}

}  // namespace mlops::runtime
