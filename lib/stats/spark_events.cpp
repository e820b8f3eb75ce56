#include "stats/spark_events.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace mlops::stats {

using nlohmann::json;

namespace {

double number(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return 0;
  const json& v = j[key];
  return v.is_number() ? v.get<double>() : 0;
}

std::string text(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The first line of a message: stack traces stay in the log.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void add_task_metrics(SparkApplication& app, const json& m) {
  if (!m.is_object()) return;
  static const std::pair<const char*, const char*> kTop[] = {
      {"Executor Run Time", "executorRunTime"}, {"Executor CPU Time", "executorCpuTime"},
      {"JVM GC Time", "jvmGcTime"},             {"Result Size", "resultSize"},
      {"Memory Bytes Spilled", "memoryBytesSpilled"}, {"Disk Bytes Spilled", "diskBytesSpilled"},
      {"Peak Execution Memory", "peakExecutionMemory"}};
  for (const auto& [from, to] : kTop) app.task_metrics[to] += number(m, from);
  if (m.contains("Input Metrics")) {
    app.task_metrics["inputBytes"] += number(m["Input Metrics"], "Bytes Read");
    app.task_metrics["inputRecords"] += number(m["Input Metrics"], "Records Read");
  }
  if (m.contains("Output Metrics")) {
    app.task_metrics["outputBytes"] += number(m["Output Metrics"], "Bytes Written");
    app.task_metrics["outputRecords"] += number(m["Output Metrics"], "Records Written");
  }
  if (m.contains("Shuffle Read Metrics")) {
    const json& r = m["Shuffle Read Metrics"];
    app.task_metrics["shuffleReadBytes"] += number(r, "Remote Bytes Read") + number(r, "Local Bytes Read");
    app.task_metrics["shuffleReadRecords"] += number(r, "Total Records Read");
  }
  if (m.contains("Shuffle Write Metrics")) {
    const json& w = m["Shuffle Write Metrics"];
    app.task_metrics["shuffleWriteBytes"] += number(w, "Shuffle Bytes Written");
    app.task_metrics["shuffleWriteRecords"] += number(w, "Shuffle Records Written");
  }
}

void on_event(SparkApplication& app, const json& e) {
  std::string kind = text(e, "Event");
  if (kind == "SparkListenerApplicationStart") {
    app.id = text(e, "App ID");
    app.name = text(e, "App Name");
  } else if (kind == "SparkListenerApplicationEnd") {
    app.ended = true;
  } else if (kind == "SparkListenerJobEnd") {
    const json& result = e.contains("Job Result") ? e["Job Result"] : json::object();
    if (text(result, "Result") == "JobSucceeded") {
      ++app.jobs_succeeded;
    } else {
      ++app.jobs_failed;
      std::string why = result.contains("Exception") ? text(result["Exception"], "Message") : "";
      app.failures.push_back("job " + std::to_string(static_cast<int64_t>(number(e, "Job ID"))) + ": " +
                             (why.empty() ? "failed" : first_line(why)));
    }
  } else if (kind == "SparkListenerStageCompleted" && e.contains("Stage Info")) {
    const json& stage = e["Stage Info"];
    std::string reason = text(stage, "Failure Reason");
    if (reason.empty()) {
      ++app.stages_completed;
    } else {
      ++app.stages_failed;
      app.failures.push_back("stage " + std::to_string(static_cast<int64_t>(number(stage, "Stage ID"))) + " (" +
                             text(stage, "Stage Name") + "): " + first_line(reason));
    }
    // Named accumulators: a user's carry the name they were given; Spark's task metrics and SQL's
    // operator metrics are marked internal.
    if (stage.contains("Accumulables") && stage["Accumulables"].is_array())
      for (const auto& a : stage["Accumulables"]) {
        std::string name = text(a, "Name");
        bool internal = a.is_object() && a.contains("Internal") && a["Internal"].is_boolean() && a["Internal"].get<bool>();
        if (name.empty() || internal || name.rfind("internal.", 0) == 0) continue;  // Spark's and SQL's own
        std::string value = a.contains("Value") && a["Value"].is_string() ? a["Value"].get<std::string>() : "";
        char* end = nullptr;
        double v = std::strtod(value.c_str(), &end);
        if (!value.empty() && end && *end == '\0') app.accumulators[name] = v;
      }
  } else if (kind == "SparkListenerTaskEnd") {
    const json& reason = e.contains("Task End Reason") ? e["Task End Reason"] : json::object();
    (text(reason, "Reason") == "Success" ? app.tasks_succeeded : app.tasks_failed) += 1;
    if (e.contains("Task Metrics")) add_task_metrics(app, e["Task Metrics"]);
  }
}

}  // namespace

SparkApplication parse_spark_event_log(std::string_view log) {
  SparkApplication app;
  size_t start = 0;
  while (start < log.size()) {
    size_t nl = log.find('\n', start);
    std::string_view line = log.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? log.size() : nl + 1;
    if (line.empty()) continue;
    json e = json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object() || !e.contains("Event")) {
      ++app.bad_lines;
      continue;
    }
    on_event(app, e);
  }
  return app;
}

}  // namespace mlops::stats
