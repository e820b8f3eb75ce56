// mlops ion graph NAME [--format text|dot|mermaid]
#include <memory>

#include "cli/commands.hpp"
#include "ion/graph.hpp"
#include "ion/registry.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct GraphOptions {
  std::string name;
  std::string format = "text";
};

int run(const GraphOptions& o, Env& env) {
  static const std::vector<std::string> formats = {"text", "dot", "mermaid"};
  if (std::find(formats.begin(), formats.end(), o.format) == formats.end()) {
    std::string guess = util::did_you_mean(o.format, formats);
    throw util::Error(util::Exit::usage, "invalid --format '" + o.format + "': use text, dot or mermaid",
                      guess.empty() ? "" : "did you mean '" + guess + "'?");
  }
  auto r = env.client().current_ion(o.name);
  auto m = ion::load_revision(r);
  if (o.format == "dot")
    env.out << ion::render_dot(m);
  else if (o.format == "mermaid")
    env.out << ion::render_mermaid(m);
  else
    env.out << ion::render_text(m, r.revision);
  return 0;
}

}  // namespace

Action setup_ion_graph(Args& args) {
  auto o = std::make_shared<GraphOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  args.option("--format", o->format, "FORMAT", "text (default), dot (Graphviz) or mermaid");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
