// What a run reports while it runs, read as it arrives: the SDK's JSON lines on the stats channel
// (metrics, stats, tables, distributions, events, alerts) and the TensorBoard scalars under
// MLOPS_TENSORBOARD_DIR. Stats go to the catalog's stats table, events and alerts to run_events,
// metrics become the produced model's. A line that is not a valid record is counted, not fatal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/health.hpp"
#include "stats/tensorboard.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct RunKey {
  std::string run, ion, node;
};

class Collector {
 public:
  Collector(RunKey key, std::string stats_path, std::string tensorboard_dir);
  // Records everything complete since the last call. With `final`, a last line without its
  // newline counts too (the run has ended, nothing more will come).
  void collect(store::Store& store, int64_t now_ms, bool final = false);

  // Values the runner read itself (a Spark application's final record), as one batch of stats.
  void record_values(store::Store& store, const std::string& source, const std::map<std::string, double>& values,
                     int64_t now_ms);

  // The model in use and its baseline, against which windows are scored from now on.
  void watch_health(HealthWatch watch) { health_ = std::move(watch); }
  // The baselines this run declared, by feature (the last of each): its model's baseline.
  const nlohmann::json& baseline() const { return baseline_; }

  const nlohmann::json& metrics() const { return metrics_; }
  size_t malformed() const { return malformed_; }
  size_t tensorboard_points() const { return tensorboard_points_; }
  size_t corrupt_tensorboard_records() const { return watcher_.corrupt_records(); }

 private:
  static constexpr size_t kMaxLine = 1 << 20;   // a longer line is malformed
  static constexpr size_t kMaxChunk = 8 << 20;  // read per call, so one transaction stays short

  // Records the complete lines of text from `start` and the pending scalars; leaves the incomplete
  // tail in `rest`. Inside the caller's transaction.
  void ingest(store::Store& store, const std::string& text, size_t start, bool final, bool& skipping, std::string& rest,
              int64_t now_ms);
  void record(store::Store& store, std::string_view line, int64_t now_ms);
  void record_distribution(store::Store& store, const nlohmann::json& r, int64_t at);
  void raise_drift(store::Store& store);
  RunKey key_;
  std::string stats_path_;
  uint64_t offset_ = 0;
  ino_t inode_ = 0;
  std::string partial_;
  bool skipping_ = false;
  std::vector<stats::Scalar> pending_;
  stats::TensorBoardWatcher watcher_;
  nlohmann::json metrics_ = nlohmann::json::object();
  nlohmann::json baseline_ = nlohmann::json::object();
  HealthWatch health_;
  std::vector<std::string> drifted_;  // features newly drifted in this collect, for one alert
  int64_t drifted_at_ = 0;
  size_t malformed_ = 0, tensorboard_points_ = 0;
};

}  // namespace mlops::runtime
