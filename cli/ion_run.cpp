// mlops ion run NAME [--node N] [--once]: run pipeline nodes now and wait for them: on this machine,
// or through a server on the agents the nodes are placed on.
// Without --node, every pipeline node that no edge feeds (the sources of the graph) runs, in manifest
// order. Produced models always travel along the edges (policies decide, pipeline nodes receive them);
// with --once the nodes that receive one run too, once each, until the flow ends.
#include <unistd.h>

#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "runtime/flow.hpp"
#include "runtime/run.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct RunOptions {
  std::string name;
  std::string node;
  bool once = false;
};

int run(const RunOptions& o, Env& env) {
  auto& client = env.client();
  std::vector<std::string> nodes;
  if (!o.node.empty()) {
    nodes.push_back(o.node);
  } else {
    auto m = ion::load_revision(client.current_ion(o.name));
    for (const auto& n : m.nodes) {
      bool fed = std::any_of(m.edges.begin(), m.edges.end(), [&](auto& e) { return e.to == n.name && e.on == "model"; });
      if (!n.policy && !fed) nodes.push_back(n.name);
    }
  }
  nlohmann::json items = nlohmann::json::array(), flows = nlohmann::json::array();
  std::vector<std::string> names, lines;
  std::string failed;
  std::set<std::string> done;  // with --once, each node runs at most once
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string node = nodes[i];
    if (!done.insert(node).second) continue;
    env.debug("running node '" + node + "' of ION '" + o.name + "'");
    auto ran = client.run_node(o.name, node);
    for (const auto& r : ran.runs) {
      items.push_back({{"id", r.id}, {"node", r.node}, {"status", r.status}, {"outcome", r.outcome}, {"model", r.model},
                       {"modelIn", r.model_in}});
      names.push_back("run/" + r.id);
      lines.push_back("run/" + r.id + " " + r.status + " (" + o.name + "/" + r.node + ": " + r.outcome + ")" +
                      (r.model.empty() ? "" : " -> model/" + r.model));
      if (r.status != "succeeded" && failed.empty()) failed = r.id;
    }
    for (const auto& ev : ran.flows) {
      flows.push_back({{"node", ev.node}, {"model", ev.model}, {"kind", ev.kind}, {"reason", ev.reason}});
      lines.push_back(runtime::describe(ev));
      // --once follows the flow: a node that just received a model runs now.
      if (o.once && ev.kind == "delivered") nodes.push_back(ev.node);
    }
  }
  print_result(env, document("RunList", {{"items", items}, {"flows", flows}}), names, lines);
  if (!failed.empty())
    throw util::Error(util::Exit::error, "run '" + failed + "' failed", "see 'mlops run logs " + failed + "'");
  return 0;
}

}  // namespace

Action setup_ion_run(Args& args) {
  auto o = std::make_shared<RunOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  args.option("--node", o->node, "NODE", "run only this node (default: every node no edge feeds)");
  args.flag("--once", o->once, "then run, once each, the nodes the produced models reach, until the flow ends");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
