// /metrics in the Prometheus text format (version 0.0.4), on the server and on each agent: what a
// store holds (runs and their durations by status, models produced, approved and deployed, open
// alerts, ML-health scores), plus what the process measures itself (request latencies, spool
// depth), each family with HELP and TYPE lines as 'promtool check metrics' wants them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "store/store.hpp"

namespace mlops::api {

// Families of samples, written in the text format.
class Exposition {
 public:
  using Labels = std::map<std::string, std::string>;
  // Declares a family once (type: counter, gauge, histogram); samples follow.
  void family(const std::string& name, const std::string& type, const std::string& help);
  void sample(const std::string& name, const Labels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Request latencies by method, route and status class ("2xx"; status 0: "error", no answer), as a
// histogram (seconds).
class LatencyHistogram {
 public:
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  void write(Exposition& out, const std::string& name, const std::string& help) const;

 private:
  static constexpr std::array<double, 11> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  struct Series {
    std::array<uint64_t, kBounds.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::array<std::string, 3>, Series> series_;
};

// The store's families: mlops_runs_total, mlops_run_duration_seconds, mlops_models_*_total,
// mlops_alerts_open, mlops_health_score, mlops_feature_psi.
void store_metrics(store::Store& store, Exposition& out);

// A path as a route label: ids and names after the resource collapsed ("/api/v1/models/{}"); paths
// that are no route of ours are "other".
std::string route_of(const std::string& path);

}  // namespace mlops::api
