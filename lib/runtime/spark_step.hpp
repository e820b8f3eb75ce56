// What a spark step needs beyond running a process: its spark-submit command, and afterwards the
// final record of the applications it ran.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ion/manifest.hpp"
#include "pipeline/manifest.hpp"
#include "runtime/collector.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct SparkLaunch {
  std::vector<std::string> argv;
  int ui_port = 0;
  std::string warning;  // why the mlops listener is not in it, when it is not
};

// spark-submit with the node's target, the event log in <run_dir>/spark-events, a free driver UI
// port and, when it can be built (cached under `listener_cache`), the mlops listener.
SparkLaunch spark_launch(const pipeline::SparkApp& app, const ion::SparkTarget& node,
                         const std::map<std::string, std::string>& env, const std::string& run_dir,
                         const std::string& listener_cache);

// Records the final record of each event log in `events` not in `seen` (each application writes
// one) as stats of source spark, and returns the first failure Spark recorded, or "".
std::string record_spark(store::Store& store, Collector& collector, const std::string& events,
                         std::set<std::string>& seen, int64_t now_ms);

}  // namespace mlops::runtime
