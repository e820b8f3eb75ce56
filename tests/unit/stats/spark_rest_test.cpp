#include "stats/spark_rest.hpp"

#include <doctest/doctest.h>

using namespace mlops::stats;

TEST_CASE("spark rest: the application id, and nothing from what is not a list of applications") {
  CHECK(spark_application_id(R"([{"id": "local-17", "name": "train"}])") == "local-17");
  CHECK_FALSE(spark_application_id("[]"));
  CHECK_FALSE(spark_application_id("<html>starting</html>"));
}

TEST_CASE("spark rest: jobs and stages by status, task metrics summed, named accumulators") {
  auto v = spark_live_values(
      R"([{"jobId": 1, "status": "RUNNING"}, {"jobId": 0, "status": "SUCCEEDED"}])",
      R"([{"stageId": 1, "status": "ACTIVE", "numActiveTasks": 2, "executorRunTime": 10, "inputRecords": 5,
           "accumulatorUpdates": [{"id": 4, "name": "rows seen", "value": "12"}, {"id": 5, "name": "internal.x", "value": "1"}]},
          {"stageId": 0, "status": "COMPLETE", "numCompleteTasks": 4, "executorRunTime": 30, "shuffleWriteBytes": 99}])",
      R"([{"id": "driver", "activeTasks": 2}])");
  CHECK(v["spark.live.jobs.running"] == 1);
  CHECK(v["spark.live.jobs.succeeded"] == 1);
  CHECK(v["spark.live.jobs.failed"] == 0);
  CHECK(v["spark.live.stages.active"] == 1);
  CHECK(v["spark.live.stages.complete"] == 1);
  CHECK(v["spark.live.task.executorRunTime"] == 40);
  CHECK(v["spark.live.task.numActiveTasks"] == 2);
  CHECK(v["spark.live.task.shuffleWriteBytes"] == 99);
  CHECK(v["spark.live.accumulator.rows seen"] == 12);
  CHECK(v.count("spark.live.accumulator.internal.x") == 0);
  CHECK(v["spark.live.executors"] == 1);  // local mode: the driver is the executor
}

TEST_CASE("spark rest: bodies that do not parse add nothing but the zero job counts") {
  auto v = spark_live_values("oops", "{", "");
  CHECK(v["spark.live.jobs.running"] == 0);
  CHECK(v.count("spark.live.stages.active") == 0);
}
