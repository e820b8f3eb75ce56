#include "runtime/flow.hpp"

#include <cstdio>
#include <deque>
#include <set>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::runtime {

using store::Stmt;

namespace {

std::string shown(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool compare(double lhs, const std::string& op, double rhs) {
  if (op == ">") return lhs > rhs;
  if (op == ">=") return lhs >= rhs;
  if (op == "<") return lhs < rhs;
  if (op == "<=") return lhs <= rhs;
  if (op == "==") return lhs == rhs;
  return lhs != rhs;
}

// Passed or failed, and why, for a gate.
std::pair<bool, std::string> evaluate(const ion::Policy& gate, const nlohmann::json& metrics) {
  std::string reasons;
  for (const auto& c : gate.conditions) {
    std::string what = c.source + " " + c.name;
    if (c.source == "health")  // health scores arrive with the health work; until then nothing is known
      return {false, what + " is not known"};
    if (!metrics.contains(c.name) || !metrics[c.name].is_number()) return {false, what + " was not reported"};
    double v = metrics[c.name].get<double>();
    std::string text = what + " " + shown(v) + " " + c.op + " " + shown(c.value);
    if (!compare(v, c.op, c.value)) return {false, "not " + text};
    reasons += (reasons.empty() ? "" : ", ") + text;
  }
  return {true, reasons};
}

}  // namespace

std::vector<FlowEvent> propagate(store::Store& store, const ion::IonManifest& ion, const std::string& from,
                                 const std::string& model, int64_t now_ms) {
  auto version = store.registry().resolve(store::parse_model_ref(model));
  std::vector<FlowEvent> events;
  std::deque<std::string> frontier{from};
  std::set<std::string> seen{from};
  while (!frontier.empty()) {
    std::string at = frontier.front();
    frontier.pop_front();
    for (const auto& e : ion.edges) {
      if (e.from != at || e.on != "model" || !seen.insert(e.to).second) continue;
      const ion::Node* node = ion.find(e.to);
      FlowEvent ev{ion.name, node->name, model, "", "", now_ms};
      if (!node->policy) {
        ev.kind = "delivered";
        ev.reason = "from " + at;
      } else if (node->policy->type == "auto") {
        ev.kind = "passed";
        ev.reason = "auto";
      } else if (node->policy->type == "gate") {
        auto [ok, why] = evaluate(*node->policy, version.metrics);
        ev.kind = ok ? "passed" : "failed";
        ev.reason = why;
      } else {
        ev.kind = "pending";
        ev.reason = "waiting for approval";
      }
      if (ev.kind == "passed") frontier.push_back(node->name);
      events.push_back(ev);
    }
  }
  store::Catalog::Transaction tx(store.catalog());
  for (const auto& ev : events) record_flow(store, ev);
  tx.commit();
  return events;
}

std::vector<FlowEvent> model_flows(store::Store& store, const std::string& ion, const std::string& model) {
  Stmt s(store.catalog().handle(),
         "SELECT node, kind, reason, at_ms FROM flow_events WHERE ion = ? AND model = ? ORDER BY id");
  s.bind(1, ion).bind(2, model);
  std::vector<FlowEvent> out;
  while (s.step()) out.push_back({ion, s.text(0), model, s.text(1), s.text(2), s.integer(3)});
  return out;
}

std::string delivered_model(store::Store& store, const std::string& ion, const std::string& node) {
  Stmt s(store.catalog().handle(),
         "SELECT model FROM flow_events WHERE ion = ? AND node = ? AND kind = 'delivered' ORDER BY id DESC LIMIT 1");
  s.bind(1, ion).bind(2, node);
  return s.step() ? s.text(0) : "";
}

FlowEvent rollback(store::Store& store, const ion::IonManifest& ion, const std::string& node, const std::string& to,
                   const std::string& actor, int64_t now_ms) {
  const ion::Node* n = &ion.require(node);
  if (n->policy) throw util::Error(util::Exit::usage, "node '" + node + "' is a policy; models are deployed to pipeline nodes");
  std::string current = delivered_model(store, ion.name, node);
  std::string target;
  if (!to.empty()) {
    auto v = store.registry().resolve(store::parse_model_ref(to));
    target = v.name + ":" + std::to_string(v.version);
  } else {
    // Like 'kubectl rollout undo': the model delivered before the current one.
    Stmt s(store.catalog().handle(),
           "SELECT model FROM flow_events WHERE ion = ? AND node = ? AND kind = 'delivered' AND model != ? "
           "ORDER BY id DESC LIMIT 1");
    s.bind(1, ion.name).bind(2, node).bind(3, current);
    if (s.step()) target = s.text(0);
    if (current.empty() || target.empty())
      throw util::Error(util::Exit::error, "node '" + ion.name + "/" + node + "' has no earlier model to roll back to",
                        "name one with --to REF");
    store.registry().resolve(store::parse_model_ref(target));  // it may have been deleted since
  }
  if (target == current)
    throw util::Error(util::Exit::error, "model '" + target + "' is already deployed to '" + ion.name + "/" + node + "'");
  FlowEvent ev{ion.name, node, target, "delivered",
               "rollback by " + actor + " (was " + (current.empty() ? "none" : current) + ")", now_ms};
  record_flow(store, ev);
  return ev;
}

void record_flow(store::Store& store, const FlowEvent& ev) {
  Stmt s(store.catalog().handle(),
         "INSERT INTO flow_events(ion, node, model, kind, reason, at_ms) VALUES(?, ?, ?, ?, ?, ?)");
  s.bind(1, ev.ion).bind(2, ev.node).bind(3, ev.model).bind(4, ev.kind).bind(5, ev.reason).bind(6, ev.at_ms).run();
}

std::string describe(const FlowEvent& e) {
  if (e.kind == "delivered") return "model/" + e.model + " delivered to " + e.ion + "/" + e.node;
  if (e.kind == "deployed") return "model/" + e.model + " deployed to " + e.ion + "/" + e.node + " (" + e.reason + ")";
  return "policy " + e.ion + "/" + e.node + " " + e.kind + " model/" + e.model + " (" + e.reason + ")";
}

}  // namespace mlops::runtime
