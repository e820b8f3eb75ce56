#include "api/flows.hpp"

#include "util/error.hpp"
#include "util/time.hpp"

namespace mlops::api {

using nlohmann::json;

nlohmann::json pending(const runtime::Pending& p) {
  json item = {{"model", p.model},       {"ion", p.ion},         {"node", p.node},
               {"approvers", p.approvers}, {"approvedBy", p.approved_by}, {"quorum", p.quorum},
               {"requester", p.requester}, {"since", util::format_rfc3339(p.since_ms)}};
  item["expires"] = p.expires_ms ? json(util::format_rfc3339(p.expires_ms)) : json();
  return item;
}

runtime::Pending pending_from(const nlohmann::json& j) {
  try {
    runtime::Pending p;
    p.model = j.at("model").get<std::string>();
    p.ion = j.at("ion").get<std::string>();
    p.node = j.at("node").get<std::string>();
    p.approvers = j.at("approvers").get<std::vector<std::string>>();
    p.approved_by = j.at("approvedBy").get<std::vector<std::string>>();
    p.quorum = j.at("quorum").get<int64_t>();
    p.requester = j.at("requester").get<std::string>();
    p.since_ms = util::parse_rfc3339(j.at("since").get<std::string>()).value_or(0);
    p.expires_ms = j.at("expires").is_null() ? 0 : util::parse_rfc3339(j.at("expires").get<std::string>()).value_or(0);
    return p;
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::error, std::string("not a pending approval this mlops can read: ") + e.what());
  }
}

nlohmann::json flow_event(const runtime::FlowEvent& e) {
  return {{"node", e.node}, {"model", e.model}, {"kind", e.kind}, {"reason", e.reason}};
}

runtime::FlowEvent flow_event_from(const nlohmann::json& j, const std::string& ion) {
  try {
    return {ion, j.at("node").get<std::string>(), j.at("model").get<std::string>(), j.at("kind").get<std::string>(),
            j.at("reason").get<std::string>(), 0};
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::error, std::string("not a flow event this mlops can read: ") + e.what());
  }
}

}  // namespace mlops::api
