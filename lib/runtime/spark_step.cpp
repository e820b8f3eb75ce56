#include "runtime/spark_step.hpp"

#include "engine/spark.hpp"
#include "engine/spark_listener.hpp"
#include "stats/spark_events.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::runtime {

SparkLaunch spark_launch(const pipeline::SparkApp& app, const ion::SparkTarget& node,
                         const std::map<std::string, std::string>& env, const std::string& run_dir,
                         const std::string& listener_cache) {
  SparkLaunch launch;
  std::string listener;
  try {
    listener = engine::listener_jar(listener_cache, env);
  } catch (const util::Error& e) {
    launch.warning = std::string("running without the Spark listener: ") + e.what();
  }
  util::make_dirs(run_dir + "/spark-events");
  launch.ui_port = engine::free_port();
  engine::SparkJob job{app.app, app.main_class, app.args, app.conf, app.packages};
  engine::SparkTarget target{node.master, node.deploy_mode, node.conf};
  std::map<std::string, std::string> contract;
  for (const auto& [k, v] : env)
    if (k.rfind("MLOPS_", 0) == 0) contract[k] = v;
  launch.argv = engine::spark_submit_argv(engine::spark_submit_command(env), job, target, run_dir + "/spark-events",
                                          launch.ui_port, contract, listener);
  return launch;
}

std::string record_spark(store::Store& store, Collector& collector, const std::string& events,
                         std::set<std::string>& seen, int64_t now_ms) {
  std::string failure;
  for (const auto& name : util::list_dir(events)) {
    if (!seen.insert(name).second) continue;
    auto app = stats::parse_spark_event_log(util::read_file(events + "/" + name));
    std::map<std::string, double> values = {
        {"spark.jobs.succeeded", static_cast<double>(app.jobs_succeeded)},
        {"spark.jobs.failed", static_cast<double>(app.jobs_failed)},
        {"spark.stages.completed", static_cast<double>(app.stages_completed)},
        {"spark.stages.failed", static_cast<double>(app.stages_failed)},
        {"spark.tasks.succeeded", static_cast<double>(app.tasks_succeeded)},
        {"spark.tasks.failed", static_cast<double>(app.tasks_failed)}};
    for (const auto& [k, v] : app.task_metrics) values["spark.task." + k] = v;
    for (const auto& [k, v] : app.accumulators) values["spark.accumulator." + k] = v;
    collector.record_values(store, "spark", values, now_ms);
    if (failure.empty() && !app.failures.empty()) failure = app.failures.front();
  }
  return failure;
}

}  // namespace mlops::runtime
