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

std::string started_application(const std::string& events, const std::set<std::string>& seen) {
  for (const auto& name : util::list_dir(events)) {
    if (seen.count(name)) continue;
    const std::string suffix = ".inprogress";
    bool running = name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    return running ? name.substr(0, name.size() - suffix.size()) : name;
  }
  return "";
}

void kill_cluster_driver(const ion::SparkTarget& node, const std::map<std::string, std::string>& env,
                         const std::string& log_so_far, const std::string& run_log, const std::string& cwd,
                         const std::function<void(const std::string&)>& note) {
  std::string why;
  engine::SparkTarget target{node.master, node.deploy_mode, node.conf};
  engine::ProcessSpec spec;
  spec.argv = engine::spark_kill_argv(engine::spark_submit_command(env), target, log_so_far, why);
  if (spec.argv.empty()) return note("cannot kill the Spark driver on the cluster: " + why);
  std::string command;
  for (const auto& a : spec.argv) command += (command.empty() ? "" : " ") + a;
  note("asking the cluster to kill the driver: " + command);
  spec.env = env;
  spec.cwd = cwd;
  spec.stdout_path = spec.stderr_path = run_log;
  spec.timeout = std::chrono::seconds(60);
  engine::Process kill(spec);
  auto outcome = kill.wait();
  if (!outcome.ok()) note("the request to kill the driver failed: " + outcome.describe());
}

std::string spark_final_state(const engine::ProcessOutcome& outcome) {
  if (outcome.cancelled || outcome.timed_out) return "killed";
  if (outcome.ok()) return "finished";
  return outcome.signal ? "lost" : "failed";
}

}  // namespace mlops::runtime
