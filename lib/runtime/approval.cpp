#include "runtime/approval.hpp"

#include <algorithm>

#include "ion/registry.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::runtime {

using store::Stmt;
using util::Error;
using util::Exit;

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Held models whose policy has not decided yet, with the policy as currently applied.
std::vector<Pending> held(store::Store& store) {
  std::vector<Pending> out;
  Stmt s(store.catalog().handle(),
         "SELECT p.ion, p.node, p.model, min(p.at_ms) FROM flow_events p WHERE p.kind = 'pending' AND NOT EXISTS ("
         "SELECT 1 FROM flow_events d WHERE d.ion = p.ion AND d.node = p.node AND d.model = p.model "
         "AND d.kind IN ('passed', 'failed')) GROUP BY p.ion, p.node, p.model ORDER BY min(p.at_ms), p.model");
  while (s.step()) {
    Pending p;
    p.ion = s.text(0);
    p.node = s.text(1);
    p.model = s.text(2);
    p.since_ms = s.integer(3);
    ion::IonManifest m;
    try {
      m = ion::load_revision(ion::current_revision(store, p.ion));
    } catch (const Error&) {
      continue;  // the ION is gone
    }
    const ion::Node* node = m.find(p.node);
    if (!node || !node->policy || node->policy->type != "approval") continue;
    p.approvers = node->policy->approvers;
    p.quorum = node->policy->quorum;
    if (node->policy->expires_seconds) p.expires_ms = p.since_ms + node->policy->expires_seconds * 1000;
    if (node->policy->requester_cannot_approve)
      p.requester = store.registry().resolve(store::parse_model_ref(p.model)).created_by;
    Stmt a(store.catalog().handle(),
           "SELECT actor FROM approvals WHERE ion = ? AND node = ? AND model = ? AND decision = 'approve' ORDER BY id");
    a.bind(1, p.ion).bind(2, p.node).bind(3, p.model);
    while (a.step()) p.approved_by.push_back(a.text(0));
    out.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<Pending> pending_approvals(store::Store& store, int64_t now_ms) {
  auto all = held(store);
  all.erase(std::remove_if(all.begin(), all.end(), [&](const Pending& p) { return p.expires_ms && p.expires_ms <= now_ms; }),
            all.end());
  return all;
}

std::vector<Pending> expired_approvals(store::Store& store, int64_t now_ms) {
  auto all = held(store);
  all.erase(std::remove_if(all.begin(), all.end(), [&](const Pending& p) { return !p.expires_ms || p.expires_ms > now_ms; }),
            all.end());
  return all;
}

std::vector<FlowEvent> decide(store::Store& store, const Decision& d) {
  auto version = store.registry().resolve(store::parse_model_ref(d.model_ref));
  std::string model = version.name + ":" + std::to_string(version.version);
  auto manifest = ion::load_revision(ion::current_revision(store, d.ion));
  std::vector<Pending> candidates;
  for (auto& p : held(store))
    if (p.ion == d.ion && p.model == model && (d.node.empty() || p.node == d.node)) candidates.push_back(p);
  std::string where = "ion/" + d.ion + (d.node.empty() ? "" : "/" + d.node);
  if (candidates.empty())
    throw Error(Exit::not_found, "model '" + model + "' is not waiting for approval in " + where,
                "see 'mlops model pending'");
  if (candidates.size() > 1)
    throw Error(Exit::usage, "model '" + model + "' waits at several approval policies of ion/" + d.ion,
                "name one with --node");
  const Pending& p = candidates.front();
  FlowEvent outcome{p.ion, p.node, model, "", "", d.now_ms};
  if (p.expires_ms && p.expires_ms <= d.now_ms) {
    outcome.kind = "failed";
    outcome.reason = "approval expired";
    store::Catalog::Transaction tx(store.catalog());
    record_flow(store, outcome);
    tx.commit();
    throw Error(Exit::error, "the approval of model '" + model + "' at " + p.ion + "/" + p.node + " has expired");
  }
  if (std::find(p.approvers.begin(), p.approvers.end(), d.actor) == p.approvers.end())
    throw Error(Exit::permission, "'" + d.actor + "' is not an approver of " + p.ion + "/" + p.node,
                "approvers: " + join(p.approvers));
  if (d.approve && !p.requester.empty() && p.requester == d.actor)
    throw Error(Exit::permission, "'" + d.actor + "' produced model '" + model + "' and cannot approve it",
                "another approver must");
  if (std::find(p.approved_by.begin(), p.approved_by.end(), d.actor) != p.approved_by.end())
    throw Error(Exit::error, "'" + d.actor + "' has already approved model '" + model + "' at " + p.ion + "/" + p.node);

  store::Catalog::Transaction tx(store.catalog());
  Stmt s(store.catalog().handle(),
         "INSERT INTO approvals(ion, node, model, actor, decision, comment, at_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, p.ion).bind(2, p.node).bind(3, model).bind(4, d.actor).bind(5, d.approve ? "approve" : "reject");
  s.bind(6, d.comment).bind(7, d.now_ms).run();
  std::vector<FlowEvent> events;
  auto approvals = p.approved_by;
  if (!d.approve) {
    outcome.kind = "failed";
    outcome.reason = "rejected by " + d.actor + (d.comment.empty() ? "" : ": " + d.comment);
  } else {
    approvals.push_back(d.actor);
    if (static_cast<int64_t>(approvals.size()) >= p.quorum) {
      outcome.kind = "passed";
      outcome.reason = "approved by " + join(approvals) + (d.comment.empty() ? "" : ": " + d.comment);
    }
  }
  if (!outcome.kind.empty()) {
    record_flow(store, outcome);
    events.push_back(outcome);
  }
  tx.commit();
  if (outcome.kind == "passed")
    for (auto& e : propagate(store, manifest, p.node, model, d.now_ms)) events.push_back(e);
  return events;
}

}  // namespace mlops::runtime
