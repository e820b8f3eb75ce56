// Polls a Spark driver's REST API while its application runs, and records what it shows as stats of
// the run (source spark-rest), so 'run show' and the stats commands see a Spark job live. The driver
// UI may be late to come up or unreachable (cluster deploy mode): polls that get nothing record
// nothing; the event log and the listener still give the final record.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/collector.hpp"

namespace mlops::runtime {

class SparkMonitor {
 public:
  explicit SparkMonitor(int ui_port, int64_t every_ms = 1000) : port_(ui_port), every_ms_(every_ms) {}
  // Cheap when called more often than every_ms.
  void poll(store::Store& store, Collector& collector, int64_t now_ms);
  int64_t polls_answered() const { return answered_; }

 private:
  int port_;
  int64_t every_ms_, last_ms_ = 0, answered_ = 0;
  std::string app_id_;
};

}  // namespace mlops::runtime
