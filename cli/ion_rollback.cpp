// mlops ion rollback NAME --to-revision N: re-apply revision N as a new revision.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct RollbackOptions {
  std::string name;
  std::string to;
};

int run(const RollbackOptions& o, Env& env) {
  char* end = nullptr;
  long long to = std::strtoll(o.to.c_str(), &end, 10);
  if (o.to.empty() || *end != '\0' || to < 1)
    throw util::Error(util::Exit::usage, "invalid --to-revision '" + o.to + "': use a revision number from 'mlops ion history'");
  auto r = env.client().rollback_ion(o.name, to);
  std::string name = "ion/" + r.name;
  std::string line = r.outcome == "unchanged"
                         ? name + " unchanged (revision " + std::to_string(to) + " is current)"
                         : name + " rolled back to revision " + std::to_string(to) + " (now revision " +
                               std::to_string(r.revision) + ")";
  print_result(env, document("ApplyResult", {{"dryRun", false},
                                             {"items", {{{"kind", "ION"}, {"name", r.name}, {"outcome", r.outcome},
                                                         {"revision", r.revision}}}}}),
               {name}, {line});
  return 0;
}

}  // namespace

Action setup_ion_rollback(Args& args) {
  auto o = std::make_shared<RollbackOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  args.option("--to-revision", o->to, "N", "the revision to bring back", true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
