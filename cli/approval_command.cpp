#include "cli/approval_command.hpp"

#include <memory>

#include "cli/output.hpp"
#include "runtime/approval.hpp"

namespace mlops::cli {

namespace {

struct DecisionOptions {
  std::string ref, ion, node, comment;
};

int run(const DecisionOptions& o, bool approve, Env& env) {
  auto& client = env.client();
  runtime::Decision d{o.ion, o.node, o.ref, env.actor(), approve, o.comment, env.clock.now_ms()};
  auto events = client.decide(d);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  for (const auto& e : events) {
    items.push_back({{"node", e.node}, {"model", e.model}, {"kind", e.kind}, {"reason", e.reason}});
    lines.push_back(runtime::describe(e));
  }
  if (events.empty()) lines.push_back("model/" + o.ref + " approved by " + env.actor() + " (waiting for more approvals)");
  names.push_back("model/" + o.ref);
  print_result(env, document("ApprovalResult", {{"approve", approve}, {"actor", env.actor()}, {"flows", items}}), names,
               lines);
  return 0;
}

}  // namespace

Action setup_decision(Args& args, bool approve) {
  auto o = std::make_shared<DecisionOptions>();
  args.positional("ref", o->ref, "REF", "the held model: NAME:VERSION, NAME@ALIAS or sha256:HEX");
  args.option("--ion", o->ion, "NAME", "the ION whose policy holds it", true);
  args.option("--node", o->node, "NODE", "the approval policy, when several hold the model");
  args.option("--comment", o->comment, "TEXT", "why, recorded with the decision");
  return [o, approve](Env& env) { return run(*o, approve, env); };
}

}  // namespace mlops::cli
