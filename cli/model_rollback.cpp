// mlops model rollback --ion NAME --node N [--to REF]: deploy an earlier model to a pipeline node.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "runtime/flow.hpp"

namespace mlops::cli {

namespace {

struct RollbackOptions {
  std::string ion, node, to;
};

int run(const RollbackOptions& o, Env& env) {
  auto ev = env.client().rollback_model(o.ion, o.node, o.to);
  print_result(env,
               document("Rollback", {{"ion", ev.ion}, {"node", ev.node}, {"model", ev.model}, {"reason", ev.reason}}),
               {"model/" + ev.model}, {"model/" + ev.model + " rolled back to " + ev.ion + "/" + ev.node});
  return 0;
}

}  // namespace

Action setup_model_rollback(Args& args) {
  auto o = std::make_shared<RollbackOptions>();
  args.option("--ion", o->ion, "NAME", "the ION", true);
  args.option("--node", o->node, "NODE", "the pipeline node to redeploy to", true);
  args.option("--to", o->to, "REF", "this model (default: the one delivered before the current one)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
