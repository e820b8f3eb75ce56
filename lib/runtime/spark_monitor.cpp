#include "runtime/spark_monitor.hpp"

#include "net/http.hpp"
#include "stats/spark_rest.hpp"

namespace mlops::runtime {

void SparkMonitor::poll(store::Store& store, Collector& collector, int64_t now_ms) {
  if (now_ms - last_ms_ < every_ms_) return;
  last_ms_ = now_ms;
  std::string base = "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/applications";
  constexpr long kTimeoutMs = 300;  // on the runner's tick: never hold it up for long
  if (app_id_.empty()) {
    auto apps = net::http_get(base, kTimeoutMs);
    if (!apps) return;
    app_id_ = stats::spark_application_id(*apps).value_or("");
    if (app_id_.empty()) return;
  }
  auto jobs = net::http_get(base + "/" + app_id_ + "/jobs", kTimeoutMs);
  auto stages = net::http_get(base + "/" + app_id_ + "/stages?details=false", kTimeoutMs);
  auto executors = net::http_get(base + "/" + app_id_ + "/executors", kTimeoutMs);
  if (!jobs || !stages) return;
  ++answered_;
  collector.record_values(store, "spark-rest", stats::spark_live_values(*jobs, *stages, executors.value_or("[]")), now_ms);
}

}  // namespace mlops::runtime
