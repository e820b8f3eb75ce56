// What a spark step needs beyond running a process: its spark-submit command, and afterwards the
// final record of the applications it ran.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/process.hpp"
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

// The id of an application that started since `seen` was filled: its event log appears when its
// SparkContext is up (named after the id, ".inprogress" while it runs), or "".
std::string started_application(const std::string& events, const std::set<std::string>& seen);

// For a node in cluster deploy mode, before a cancel or timeout signals spark-submit: asks the
// cluster manager to kill the driver that the step's output so far (`log_so_far`) names, with the
// command's own output appended to `run_log`; `note` gets what mlops has to say about it.
void kill_cluster_driver(const ion::SparkTarget& node, const std::map<std::string, std::string>& env,
                         const std::string& log_so_far, const std::string& run_log, const std::string& cwd,
                         const std::function<void(const std::string&)>& note);

// Spark's word for how spark-submit ended: finished, failed, killed (by mlops: cancel or timeout)
// or lost (a signal nobody in mlops sent: the OOM killer, a kill -9).
std::string spark_final_state(const engine::ProcessOutcome& outcome);

}  // namespace mlops::runtime
