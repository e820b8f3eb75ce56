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
