#include "cli/run_common.hpp"

#include "util/time.hpp"

namespace mlops::cli {

nlohmann::json run_json(const runtime::RunRecord& r) {
  nlohmann::json j = {{"id", r.id}, {"ion", r.ion}, {"node", r.node}, {"pipeline", r.pipeline}, {"status", r.status},
                      {"outcome", r.outcome}, {"args", r.args}, {"model", r.model}, {"modelIn", r.model_in},
                      {"startedAt", util::format_rfc3339(r.started_ms)}, {"startedBy", r.actor},
                      {"attempts", r.attempts}};
  j["finishedAt"] = r.finished_ms ? nlohmann::json(util::format_rfc3339(r.finished_ms)) : nlohmann::json();
  // Spark's own view of the application, for runs with a Spark step; null for other engines.
  j["spark"] = r.spark_state.empty() ? nlohmann::json()
                                     : nlohmann::json({{"state", r.spark_state}, {"application", r.spark_app}});
  return j;
}

}  // namespace mlops::cli
