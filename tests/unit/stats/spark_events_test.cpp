#include "stats/spark_events.hpp"

#include <doctest/doctest.h>

using mlops::stats::parse_spark_event_log;

namespace {

// Lines shaped as Spark 4's event log writes them, cut down to the fields that matter.
const char* kLog =
    R"({"Event":"SparkListenerLogStart","Spark Version":"4.3.0"}
{"Event":"SparkListenerApplicationStart","App Name":"train","App ID":"local-1","Timestamp":1}
{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task End Reason":{"Reason":"Success"},"Task Metrics":{"Executor Run Time":89,"Executor CPU Time":48526930,"JVM GC Time":15,"Result Size":2004,"Memory Bytes Spilled":0,"Disk Bytes Spilled":7,"Input Metrics":{"Bytes Read":100,"Records Read":10},"Output Metrics":{"Bytes Written":5,"Records Written":1},"Shuffle Read Metrics":{"Remote Bytes Read":3,"Local Bytes Read":4,"Total Records Read":2},"Shuffle Write Metrics":{"Shuffle Bytes Written":9,"Shuffle Records Written":3}}}
{"Event":"SparkListenerTaskEnd","Stage ID":1,"Task End Reason":{"Reason":"ExceptionFailure","Description":"boom"},"Task Metrics":{"Executor Run Time":11}}
{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Name":"collect at t.py:4","Accumulables":[{"ID":1,"Name":"rows seen","Value":"42","Internal":false},{"ID":2,"Name":"number of output rows","Value":"7","Internal":true,"Metadata":"sql"},{"ID":3,"Name":"internal.metrics.executorRunTime","Value":"89"}]}}
{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":1,"Stage Name":"count at t.py:9","Failure Reason":"Job aborted due to stage failure: Task 0 in stage 1.0 failed\nstack"}}
{"Event":"SparkListenerJobEnd","Job ID":0,"Job Result":{"Result":"JobSucceeded"}}
{"Event":"SparkListenerJobEnd","Job ID":1,"Job Result":{"Result":"JobFailed","Exception":{"Message":"Job aborted due to stage failure\nmore","Stack Trace":[]}}}
not an event
{"Event":"SparkListenerApplicationEnd","Timestamp":9}
{"Event":"SparkListenerTaskEnd","Task End Reason":{"Rea)";

}  // namespace

TEST_CASE("spark event log: the final record of an application") {
  auto app = parse_spark_event_log(kLog);
  CHECK(app.id == "local-1");
  CHECK(app.name == "train");
  CHECK(app.ended);
  CHECK(app.jobs_succeeded == 1);
  CHECK(app.jobs_failed == 1);
  CHECK(app.stages_completed == 1);
  CHECK(app.stages_failed == 1);
  CHECK(app.tasks_succeeded == 1);
  CHECK(app.tasks_failed == 1);
  CHECK(app.failures == std::vector<std::string>{"stage 1 (count at t.py:9): Job aborted due to stage failure: Task 0 in stage 1.0 failed",
                                                 "job 1: Job aborted due to stage failure"});
  CHECK(app.task_metrics["executorRunTime"] == 100);
  CHECK(app.task_metrics["executorCpuTime"] == 48526930);
  CHECK(app.task_metrics["inputRecords"] == 10);
  CHECK(app.task_metrics["shuffleReadBytes"] == 7);
  CHECK(app.task_metrics["shuffleWriteRecords"] == 3);
  CHECK(app.task_metrics["diskBytesSpilled"] == 7);
  CHECK(app.accumulators == std::map<std::string, double>{{"rows seen", 42}});
  CHECK(app.bad_lines == 2);  // the stray line and the truncated last one
}

TEST_CASE("spark event log: empty, garbage and a log cut before the application ended") {
  CHECK(parse_spark_event_log("").bad_lines == 0);
  auto junk = parse_spark_event_log("\x01\x02\n[]\n{\"Event\": 3}\n");
  CHECK(junk.bad_lines == 2);
  CHECK(junk.jobs_succeeded == 0);
  auto cut = parse_spark_event_log(R"({"Event":"SparkListenerApplicationStart","App Name":"a","App ID":"x"}
{"Event":"SparkListenerJobEnd","Job ID":0,"Job Result":{"Result":"JobSucceeded"}})");
  CHECK_FALSE(cut.ended);
  CHECK(cut.jobs_succeeded == 1);
}
