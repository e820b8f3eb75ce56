#include "api/spool.hpp"

#include "util/error.hpp"

namespace mlops::api {

nlohmann::json run_record(const runtime::RunRecord& r) {
  return {{"id", r.id},           {"ion", r.ion},
          {"node", r.node},       {"pipeline", r.pipeline},
          {"status", r.status},   {"outcome", r.outcome},
          {"args", r.args},       {"model", r.model},
          {"modelIn", r.model_in}, {"startedMs", r.started_ms},
          {"finishedMs", r.finished_ms}, {"actor", r.actor},
          {"attempts", r.attempts}, {"sparkState", r.spark_state},
          {"sparkApp", r.spark_app}};
}

runtime::RunRecord run_record_from(const nlohmann::json& j) {
  try {
    runtime::RunRecord r;
    r.id = j.at("id").get<std::string>();
    r.ion = j.at("ion").get<std::string>();
    r.node = j.at("node").get<std::string>();
    r.pipeline = j.at("pipeline").get<std::string>();
    r.status = j.at("status").get<std::string>();
    r.outcome = j.at("outcome").get<std::string>();
    r.args = j.at("args").get<std::map<std::string, std::string>>();
    r.model = j.at("model").get<std::string>();
    r.model_in = j.at("modelIn").get<std::string>();
    r.started_ms = j.at("startedMs").get<int64_t>();
    r.finished_ms = j.at("finishedMs").get<int64_t>();
    r.actor = j.at("actor").get<std::string>();
    r.attempts = j.at("attempts").get<int64_t>();
    r.spark_state = j.value("sparkState", "");
    r.spark_app = j.value("sparkApp", "");
    if (r.status != "running" && r.status != "succeeded" && r.status != "failed" && r.status != "cancelled")
      throw std::invalid_argument("unknown status '" + r.status + "'");
    return r;
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::usage, std::string("not a run record: ") + e.what());
  }
}

}  // namespace mlops::api
