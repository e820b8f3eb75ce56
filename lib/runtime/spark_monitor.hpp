// Polls a Spark driver's REST API while its application runs, and records what it shows as stats of
// the run (source spark-rest), so 'run show' and the stats commands see a Spark job live. It starts
// late (see ion::SparkTarget::rest_after_ms) and asks every 2 s: each round costs the driver a few
// milliseconds of CPU that the job's tasks would otherwise have. The driver UI may be late to come
// up or unreachable (cluster deploy mode): polls that get nothing record nothing; the event log and
// the listener still give the final record.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/collector.hpp"

namespace mlops::runtime {

class SparkMonitor {
 public:
  // Asks first at start_ms + after_ms, then every every_ms.
  SparkMonitor(int ui_port, int64_t start_ms, int64_t after_ms, int64_t every_ms = 2000)
      : port_(ui_port), every_ms_(every_ms), last_ms_(start_ms + after_ms - every_ms) {}
  // Cheap when called more often than every_ms.
  void poll(store::Store& store, Collector& collector, int64_t now_ms);
  int64_t polls_answered() const { return answered_; }
  const std::string& application() const { return app_id_; }  // "" until the driver answers

 private:
  int port_;
  int64_t every_ms_, last_ms_, answered_ = 0;
  std::string app_id_;
};

}  // namespace mlops::runtime
