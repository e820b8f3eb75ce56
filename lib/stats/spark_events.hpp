// Spark event logs (one JSON listener event per line, as spark.eventLog writes them) read into the
// final record of an application: jobs and stages by outcome with their failure reasons, task
// metrics summed over tasks, and the named accumulators' final values. A truncated last line (the
// driver was killed mid-write) and lines that are not events are counted, not fatal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::stats {

struct SparkApplication {
  std::string id, name;
  bool ended = false;  // SparkListenerApplicationEnd seen
  int64_t jobs_succeeded = 0, jobs_failed = 0;
  int64_t stages_completed = 0, stages_failed = 0;
  int64_t tasks_succeeded = 0, tasks_failed = 0;
  std::vector<std::string> failures;            // "job 1: ...", "stage 2 (collect at x.py:4): ..."
  std::map<std::string, double> task_metrics;   // "executorRunTime" (ms), "executorCpuTime" (ns), "jvmGcTime", ...
  std::map<std::string, double> accumulators;   // named user accumulators, final value
  size_t bad_lines = 0;
};

SparkApplication parse_spark_event_log(std::string_view text);

}  // namespace mlops::stats
