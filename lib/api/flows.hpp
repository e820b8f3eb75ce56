// Models waiting for people and what decisions set moving, in the shape 'model pending -o json'
// prints and /api/v1/approvals answers.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/approval.hpp"
#include "runtime/flow.hpp"

namespace mlops::api {

nlohmann::json pending(const runtime::Pending& p);
runtime::Pending pending_from(const nlohmann::json& j);

nlohmann::json flow_event(const runtime::FlowEvent& e);
runtime::FlowEvent flow_event_from(const nlohmann::json& j, const std::string& ion);

}  // namespace mlops::api
