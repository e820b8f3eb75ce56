#include "runtime/health.hpp"

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

json thresholds_json(const health::Thresholds& t) {
  json j = json::object();
  if (t.psi) j["psi"] = *t.psi;
  if (t.ks) j["ks"] = *t.ks;
  if (t.js) j["js"] = *t.js;
  if (t.overlap) j["overlap"] = *t.overlap;
  return j;
}

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
                {"drift", verdict.drift}, {"reason", verdict.reason}, {"thresholds", thresholds_json(thresholds)}};
  if (scores.ks) out.labels["ks"] = *scores.ks;
  out.newly = verdict.drift && !drifted_before(store, ion, node, feature, watch.model);
  return out;
}

}  // namespace mlops::runtime
