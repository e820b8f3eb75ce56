// mlops ion graph NAME [--format text|dot|mermaid|svg]
#include <cstdlib>
#include <memory>

#include "cli/commands.hpp"
#include "engine/process.hpp"
#include "ion/graph.hpp"
#include "ion/registry.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct GraphOptions {
  std::string name;
  std::string format = "text";
};

// The dot drawing laid out by Graphviz's own 'dot', as SVG.
std::string graphviz_svg(const std::string& dot) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = util::make_temp_dir(tmp && *tmp ? tmp : "/tmp");
  struct Cleanup {
    std::string dir;
    ~Cleanup() { util::remove_all(dir); }
  } cleanup{dir};
  util::write_file_atomically(dir + "/ion.dot", dot, 0600);
  engine::ProcessSpec spec;
  spec.argv = {"dot", "-Tsvg", dir + "/ion.dot", "-o", dir + "/ion.svg"};
  for (const char* k : {"PATH", "HOME", "LANG", "FONTCONFIG_PATH"})
    if (const char* v = std::getenv(k)) spec.env[k] = v;
  spec.stderr_path = dir + "/err";
  spec.timeout = std::chrono::milliseconds(60000);
  engine::ProcessOutcome outcome;
  try {
    outcome = engine::Process(spec).wait();
  } catch (const util::Error&) {
    throw util::Error(util::Exit::error, "cannot draw svg: Graphviz's 'dot' is not installed",
                      "apt-get install graphviz, or use --format dot and draw it elsewhere");
  }
  if (!outcome.ok())
    throw util::Error(util::Exit::error, "cannot draw svg: dot " + outcome.describe() + ": " +
                                             util::read_file(dir + "/err").substr(0, 500));
  return util::read_file(dir + "/ion.svg");
}

int run(const GraphOptions& o, Env& env) {
  static const std::vector<std::string> formats = {"text", "dot", "mermaid", "svg"};
  if (std::find(formats.begin(), formats.end(), o.format) == formats.end()) {
    std::string guess = util::did_you_mean(o.format, formats);
    throw util::Error(util::Exit::usage, "invalid --format '" + o.format + "': use text, dot, mermaid or svg",
                      guess.empty() ? "" : "did you mean '" + guess + "'?");
  }
  auto r = env.client().current_ion(o.name);
  auto m = ion::load_revision(r);
  if (o.format == "svg")
    env.out << graphviz_svg(ion::render_dot(m));
  else if (o.format == "dot")
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
  args.option("--format", o->format, "FORMAT", "text (default), dot (Graphviz), mermaid, or svg (drawn by Graphviz's dot)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
