// People deciding on models held by approval policies: who may approve (the policy's approvers), how
// many must (quorum), whether whoever produced the model may (requesterCannotApprove), and until when
// (expires). Enough approvals pass the model on along the policy's edges; one rejection stops it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/flow.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct Pending {
  std::string ion, node, model;  // model as NAME:VERSION
  std::string requester;         // who produced the model
  std::vector<std::string> approvers;
  std::vector<std::string> approved_by;
  int64_t quorum = 1;
  int64_t since_ms = 0;
  int64_t expires_ms = 0;  // 0: never
};

// Everything that waits for people, oldest first. Expired requests are not listed.
std::vector<Pending> pending_approvals(store::Store& store, int64_t now_ms);
// Requests that expired with nobody deciding (the model went no further).
std::vector<Pending> expired_approvals(store::Store& store, int64_t now_ms);

struct Decision {
  std::string ion;
  std::string node;  // "" to pick the only approval policy holding the model
  std::string model_ref;
  std::string actor;
  bool approve = true;
  std::string comment;
  int64_t now_ms = 0;
};

// Records the decision and returns what followed: nothing yet (quorum not reached), the model
// passing on (with its deliveries), or the rejection. Errors change nothing.
std::vector<FlowEvent> decide(store::Store& store, const Decision& d);

}  // namespace mlops::runtime
