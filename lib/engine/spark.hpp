// Spark applications through spark-submit: the command line for one application of a pipeline step,
// with the node's master, deploy mode and conf, a driver UI port of its own, the event log written
// uncompressed and unrolled (Spark 4 compresses and rolls by default) into the run's directory, and
// the run's environment contract passed to the driver and the executors wherever they run.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mlops::engine {

struct SparkJob {
  std::string app;         // .py or .jar, relative to the working directory
  std::string main_class;  // JVM applications
  std::vector<std::string> args;
  std::map<std::string, std::string> conf;  // the pipeline's
  std::vector<std::string> packages;
};

struct SparkTarget {
  std::string master = "local[*]";
  std::string deploy_mode = "client";
  std::map<std::string, std::string> conf;  // the node's, over the pipeline's
};

// $SPARK_HOME/bin/spark-submit when SPARK_HOME is set in `env`, else "spark-submit" (looked up in
// the child's PATH when it starts).
std::string spark_submit_command(const std::map<std::string, std::string>& env);

// The whole argv. `contract` holds the MLOPS_* variables to forward (local and client drivers
// inherit them anyway; cluster drivers and executors get them through Spark's env properties).
// With `listener_jar`, the mlops listener is shipped and registered beside any the job names.
std::vector<std::string> spark_submit_argv(const std::string& spark_submit, const SparkJob& job,
                                           const SparkTarget& target, const std::string& event_log_dir,
                                           int ui_port, const std::map<std::string, std::string>& contract,
                                           const std::string& listener_jar = "");

// In cluster deploy mode the driver runs on the cluster, out of reach of a signal: the command that
// asks the cluster manager to kill the one spark-submit's output (`log`) names. Standalone:
// 'spark-submit --kill' when the master's REST server is in use (spark.master.rest.enabled), else
// the standalone client's own 'kill' (spark-class org.apache.spark.deploy.Client), which speaks the
// master's RPC port; Kubernetes: 'spark-submit --kill NAMESPACE:POD'. Empty, with why in `why`,
// when there is nothing to kill yet or no way (spark-submit cannot kill YARN applications).
std::vector<std::string> spark_kill_argv(const std::string& spark_submit, const SparkTarget& target,
                                         const std::string& log, std::string& why);

// A TCP port on the loopback that nothing listens on now (the kernel's choice).
int free_port();

}  // namespace mlops::engine
