#include "stats/spark_rest.hpp"

#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace mlops::stats {

using nlohmann::json;

namespace {

json parse_array(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  return j.is_array() ? j : json::array();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::optional<std::string> spark_application_id(const std::string& applications_json) {
  for (const auto& app : parse_array(applications_json))
    if (app.is_object() && app.contains("id") && app["id"].is_string()) return app["id"].get<std::string>();
  return std::nullopt;
}

std::map<std::string, double> spark_live_values(const std::string& jobs_json, const std::string& stages_json,
                                                const std::string& executors_json) {
  std::map<std::string, double> out;
  json jobs = parse_array(jobs_json), stages = parse_array(stages_json), executors = parse_array(executors_json);
  for (const char* s : {"running", "succeeded", "failed"}) out[std::string("spark.live.jobs.") + s] = 0;
  for (const auto& j : jobs)
    if (j.is_object() && j.contains("status") && j["status"].is_string()) out["spark.live.jobs." + lower(j["status"])] += 1;
  static const char* kMetrics[] = {"executorRunTime", "executorCpuTime", "jvmGcTime", "inputBytes", "inputRecords",
                                   "outputBytes", "outputRecords", "shuffleReadBytes", "shuffleReadRecords",
                                   "shuffleWriteBytes", "shuffleWriteRecords", "memoryBytesSpilled", "diskBytesSpilled",
                                   "numCompleteTasks", "numFailedTasks", "numActiveTasks"};
  for (const auto& s : stages) {
    if (!s.is_object()) continue;
    if (s.contains("status") && s["status"].is_string()) out["spark.live.stages." + lower(s["status"])] += 1;
    for (const char* m : kMetrics)
      if (s.contains(m) && s[m].is_number()) out[std::string("spark.live.task.") + m] += s[m].get<double>();
    if (s.contains("accumulatorUpdates") && s["accumulatorUpdates"].is_array())
      for (const auto& a : s["accumulatorUpdates"]) {
        if (!a.is_object() || !a.contains("name") || !a["name"].is_string() || !a.contains("value")) continue;
        std::string name = a["name"], value = a["value"].is_string() ? a["value"].get<std::string>() : "";
        if (name.rfind("internal.", 0) == 0) continue;
        char* end = nullptr;
        double v = std::strtod(value.c_str(), &end);
        if (!value.empty() && end && *end == '\0') out["spark.live.accumulator." + name] = v;
      }
  }
  double count = 0;
  for (const auto& e : executors)
    if (e.is_object() && e.value("id", "") != "driver") ++count;
  // In local mode the driver is the only executor.
  out["spark.live.executors"] = count ? count : static_cast<double>(executors.size());
  return out;
}

}  // namespace mlops::stats
