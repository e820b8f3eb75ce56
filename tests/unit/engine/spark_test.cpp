#include "engine/spark.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mlops::engine;

namespace {

bool has_conf(const std::vector<std::string>& argv, const std::string& kv) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "--conf" && argv[i + 1] == kv) return true;
  return false;
}

}  // namespace

TEST_CASE("spark-submit: master, deploy mode, conf layered, monitoring settings win, contract forwarded") {
  SparkJob job{"train.py", "", {"--k", "3"}, {{"spark.sql.shuffle.partitions", "8"}, {"spark.ui.port", "1"}}, {"a:b:1", "c:d:2"}};
  SparkTarget target{"yarn", "cluster", {{"spark.sql.shuffle.partitions", "64"}, {"spark.eventLog.compress", "true"}}};
  auto argv = spark_submit_argv("/opt/spark/bin/spark-submit", job, target, "/runs/r1/spark-events", 4555,
                                {{"MLOPS_RUN_ID", "r1"}, {"MLOPS_STATS", "/runs/r1/stats.jsonl"}}, "/cache/l.jar");
  CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 5) ==
        std::vector<std::string>{"/opt/spark/bin/spark-submit", "--master", "yarn", "--deploy-mode", "cluster"});
  CHECK(std::vector<std::string>(argv.end() - 3, argv.end()) == std::vector<std::string>{"train.py", "--k", "3"});
  CHECK(std::find(argv.begin(), argv.end(), "a:b:1,c:d:2") != argv.end());
  CHECK(has_conf(argv, "spark.sql.shuffle.partitions=64"));  // the node's over the pipeline's
  CHECK(has_conf(argv, "spark.eventLog.compress=false"));    // monitoring over both
  CHECK(has_conf(argv, "spark.eventLog.rolling.enabled=false"));
  CHECK(has_conf(argv, "spark.eventLog.dir=file:///runs/r1/spark-events"));
  CHECK(has_conf(argv, "spark.ui.port=4555"));
  CHECK(has_conf(argv, "spark.extraListeners=org.mlops.MlopsListener"));
  CHECK(has_conf(argv, "spark.executorEnv.MLOPS_RUN_ID=r1"));
  CHECK(has_conf(argv, "spark.yarn.appMasterEnv.MLOPS_STATS=/runs/r1/stats.jsonl"));
  CHECK(std::find(argv.begin(), argv.end(), "/cache/l.jar") != argv.end());
}

TEST_CASE("spark-submit: a JVM application, the user's listeners kept, SPARK_HOME honoured") {
  SparkJob job{"app.jar", "com.acme.Train", {}, {{"spark.extraListeners", "com.acme.L"}}, {}};
  auto argv = spark_submit_argv("spark-submit", job, {}, "/e", 1, {}, "/l.jar");
  CHECK(std::find(argv.begin(), argv.end(), "com.acme.Train") != argv.end());
  CHECK(has_conf(argv, "spark.extraListeners=org.mlops.MlopsListener,com.acme.L"));
  CHECK(argv.back() == "app.jar");
  CHECK(spark_submit_command({{"SPARK_HOME", "/opt/spark"}}) == "/opt/spark/bin/spark-submit");
  CHECK(spark_submit_command({}) == "spark-submit");
  int port = free_port();
  CHECK(port > 0);
  CHECK(port < 65536);
}

TEST_CASE("cluster deploy mode: the standalone client waits for its driver, and a kill reaches the cluster") {
  SparkJob job{"app.jar", "org.example.Main", {}, {}, {}};
  SparkTarget standalone{"spark://10.0.0.1:7077", "cluster", {}};
  CHECK(has_conf(spark_submit_argv("spark-submit", job, standalone, "/ev", 4040, {}), "spark.standalone.submit.waitAppCompletion=true"));
  SparkTarget no_wait{"spark://10.0.0.1:7077", "cluster", {{"spark.standalone.submit.waitAppCompletion", "false"}}};
  CHECK(has_conf(spark_submit_argv("spark-submit", job, no_wait, "/ev", 4040, {}), "spark.standalone.submit.waitAppCompletion=false"));
  SparkTarget client{"spark://10.0.0.1:7077", "client", {}};
  CHECK_FALSE(has_conf(spark_submit_argv("spark-submit", job, client, "/ev", 4040, {}), "spark.standalone.submit.waitAppCompletion=true"));

  std::string why;
  CHECK(spark_kill_argv("/opt/spark/bin/spark-submit", standalone, "INFO Utils: starting\n", why).empty());
  CHECK(why == "spark-submit has not named the driver yet");
  std::string log = "26/12/01 INFO ClientEndpoint: Driver successfully submitted as driver-20261201104512-0003\n"
                    "26/12/01 INFO ClientEndpoint: State of driver-20261201104512-0003 is RUNNING\n";
  CHECK(spark_kill_argv("/opt/spark/bin/spark-submit", standalone, log, why) ==
        std::vector<std::string>{"/opt/spark/bin/spark-class", "org.apache.spark.deploy.Client", "kill",
                                 "spark://10.0.0.1:7077", "driver-20261201104512-0003"});
  SparkTarget rest{"spark://10.0.0.1:6066", "cluster", {{"spark.master.rest.enabled", "true"}}};
  CHECK(spark_kill_argv("spark-submit", rest, log, why) ==
        std::vector<std::string>{"spark-submit", "--master", "spark://10.0.0.1:6066", "--kill", "driver-20261201104512-0003"});

  SparkTarget k8s{"k8s://https://10.0.0.2:6443", "cluster", {}};
  std::string pod = "\t pod name: train-4f2a-driver\n\t namespace: ml\n\t labels: spark-app-selector -> x\n";
  CHECK(spark_kill_argv("spark-submit", k8s, pod, why) ==
        std::vector<std::string>{"spark-submit", "--master", "k8s://https://10.0.0.2:6443", "--kill", "ml:train-4f2a-driver"});

  SparkTarget yarn{"yarn", "cluster", {}};
  CHECK(spark_kill_argv("spark-submit", yarn, "INFO Client: Submitted application application_1700000000000_0042\n", why).empty());
  CHECK(why == "spark-submit cannot kill a yarn application; to stop it: yarn application -kill application_1700000000000_0042");
}
