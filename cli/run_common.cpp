#include "cli/run_common.hpp"

#include "util/time.hpp"

namespace mlops::cli {

nlohmann::json run_json(const runtime::RunRecord& r) {
  nlohmann::json j = {{"id", r.id}, {"ion", r.ion}, {"node", r.node}, {"pipeline", r.pipeline}, {"status", r.status},
                      {"outcome", r.outcome}, {"args", r.args}, {"model", r.model}, {"modelIn", r.model_in},
                      {"startedAt", util::format_rfc3339(r.started_ms)}, {"startedBy", r.actor},
                      {"attempts", r.attempts}};
  j["finishedAt"] = r.finished_ms ? nlohmann::json(util::format_rfc3339(r.finished_ms)) : nlohmann::json();
  return j;
}

}  // namespace mlops::cli
