// mlops wait REF --ion NAME --for approved|rejected|delivered|deployed [--node N] [--timeout D]: block a
// script until a model reaches that point in an ION (deployed: a run has started using it, or a
// service has swapped it in). Exit 0 when it does, 1 when the opposite happens
// (rejected while waiting for approved, or the reverse), 6 when the time runs out.
#include <chrono>
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "runtime/flow.hpp"
#include "schedule/cron.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct WaitOptions {
  std::string ref, ion, what, node, timeout = "10m";
};

// The latest flow event about `model` in `ion` matching the wait, if any.
std::optional<runtime::FlowEvent> find(Client& client, const ion::IonManifest& m, const std::string& model,
                                       const std::string& node, const std::string& what) {
  std::optional<runtime::FlowEvent> found;
  for (const auto& e : client.model_flows(m.name, model)) {
    const ion::Node* n = m.find(e.node);
    if (!node.empty() && e.node != node) continue;
    bool approval = n && n->policy && n->policy->type == "approval";
    if (what == "delivered" || what == "deployed" ? e.kind == what : approval && (e.kind == "passed" || e.kind == "failed"))
      found = e;
  }
  return found;
}

int run(const WaitOptions& o, Env& env) {
  static const std::vector<std::string> states = {"approved", "rejected", "delivered", "deployed"};
  if (std::find(states.begin(), states.end(), o.what) == states.end())
    throw util::Error(util::Exit::usage, "invalid --for '" + o.what + "': use approved, rejected, delivered or deployed");
  int64_t timeout_ms = schedule::parse_duration(o.timeout) * 1000;
  auto& client = env.client();
  auto version = client.show_model(o.ref).first;
  std::string model = version.name + ":" + std::to_string(version.version);
  auto m = ion::load_revision(client.current_ion(o.ion));
  if (!o.node.empty() && !m.find(o.node))
    throw util::Error(util::Exit::not_found, "ION '" + o.ion + "' has no node '" + o.node + "'");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (auto e = find(client, m, model, o.node, o.what)) {
      bool done = ((o.what == "delivered" || o.what == "deployed") && e->kind == o.what) || (o.what == "approved" && e->kind == "passed") ||
                  (o.what == "rejected" && e->kind == "failed");
      bool opposite = (o.what == "approved" && e->kind == "failed") || (o.what == "rejected" && e->kind == "passed");
      if (done) {
        print_result(env, document("WaitResult", {{"model", model}, {"ion", o.ion}, {"node", e->node}, {"state", o.what},
                                                  {"reason", e->reason}}),
                     {"model/" + model}, {runtime::describe(*e)});
        return 0;
      }
      if (opposite)
        throw util::Error(util::Exit::error, "model '" + model + "' was " + (e->kind == "failed" ? "rejected" : "approved") +
                                                 " at " + o.ion + "/" + e->node + " (" + e->reason + ")");
    }
    if (std::chrono::steady_clock::now() >= deadline)
      throw util::Error(util::Exit::timed_out, "timed out after " + o.timeout + " waiting for model '" + model + "' to be " +
                                                   o.what + " in ion/" + o.ion);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

Action setup_wait(Args& args) {
  auto o = std::make_shared<WaitOptions>();
  args.positional("ref", o->ref, "REF", "the model: NAME:VERSION, NAME@ALIAS or sha256:HEX");
  args.option("--ion", o->ion, "NAME", "the ION it travels through", true);
  args.option("--for", o->what, "STATE", "approved, rejected, delivered or deployed (in use by a run)", true);
  args.option("--node", o->node, "NODE", "the approval policy or pipeline node to watch (default: any)");
  args.option("--timeout", o->timeout, "DURATION", "give up after this long, exit 6 (default 10m)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
