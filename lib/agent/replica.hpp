// The agent's own store, a replica of what the server assigned it: the IONs with nodes placed on
// it, their pipeline versions and the models delivered to its nodes, each under the server's
// names and numbers. The runtime runs on it exactly as on a laptop, so schedules keep firing and
// services keep serving with the server away, and after a restart with no network.
//
// A delivered model is fetched whole and verified before the delivery is recorded here: until
// then the node keeps the model it had, and a partial download is never what a run reads.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/link.hpp"
#include "store/store.hpp"

namespace mlops::agent {

// Brings the replica to the server's Assignment document; `say` gets one line per change.
// Errors leave what was applied so far (each step is whole), and the next poll goes on.
void apply_assignment(store::Store& replica, const nlohmann::json& assignment, Link& link, const std::string& agent,
                      int64_t now_ms, const std::function<void(const std::string&)>& say);

}  // namespace mlops::agent
