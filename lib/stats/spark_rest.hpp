// A running Spark application as its driver's REST API (/api/v1) shows it, turned into stats:
// jobs and stages by status, task metrics summed over stages, named accumulators, executors. Pure
// functions of the JSON bodies, so they are tested without a driver; the runtime does the polling.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace mlops::stats {

// The id of the first application in /api/v1/applications, if any.
std::optional<std::string> spark_application_id(const std::string& applications_json);

// "spark.live.jobs.running", "spark.live.stages.complete", "spark.live.task.executorRunTime",
// "spark.live.accumulator.NAME", "spark.live.executors", ... Bodies that do not parse add nothing.
std::map<std::string, double> spark_live_values(const std::string& jobs_json, const std::string& stages_json,
                                                const std::string& executors_json);

}  // namespace mlops::stats
