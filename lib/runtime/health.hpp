// ML health in runs. A producing run's baselines (the SDK's baseline() records) are kept as one
// blob of the store, {"features": {NAME: distribution}}, named in the model version's params as
// "baseline": "sha256:HEX", so it travels and is collected with the model. A consuming run finds
// its model's baseline at MLOPS_BASELINE; each window it reports (observe()) is scored against it
// and recorded as a stat of source "health": the feature's name, the PSI as value, and every score,
// threshold and verdict in its labels. A feature that drifts past its thresholds, and had not for
// the same model in the window before, raises the node's alert, which 'on: alert' edges answer.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ion/manifest.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

// Stores a baseline; returns its reference for the model's params ("sha256:HEX").
std::string store_baseline(store::Store& store, const nlohmann::json& features);
// The features of a model version's baseline, or an empty object when it has none.
nlohmann::json model_baseline(store::Store& store, const store::ModelVersion& v);
// Writes the baseline of `model` (NAME:VERSION) to `path` for the SDK, or removes `path` when the
// model has none. Returns the features.
nlohmann::json stage_baseline(store::Store& store, const std::string& model, const std::string& path);

struct HealthWatch {
  nlohmann::json baseline = nlohmann::json::object();  // features of the model in use
  ion::Health config;
  std::string model;  // NAME:VERSION
};

// One health stat point of a window ({"psi", "ks", "js", "overlap", "drift", "reason", "model",
// "thresholds"}); `newly` says whether it is a drift not seen in the previous window of the same
// feature, node and model.
struct WindowHealth {
  nlohmann::json labels;
  double psi = 0;
  bool newly = false;
};
WindowHealth judge_window(store::Store& store, const HealthWatch& watch, const std::string& ion,
                          const std::string& node, const std::string& feature, const nlohmann::json& window);

// The health of every node with scored windows (of one ION, one node, or all): per node
// {"ion", "node", "model", "atMs", "score" (the share of features healthy in their latest window),
// "drifted", "features": [{"name", "psi", "ks", "js", "overlap", "drift", "reason", "thresholds",
// "atMs", "trend": the PSI of the last `windows` windows, oldest first}]}, features sorted by drift:
// drifted ones first, then by PSI, highest first.
nlohmann::json node_health(store::Store& store, const std::string& ion, const std::string& node, size_t windows = 12);

}  // namespace mlops::runtime
