// mlops model pull REF [-d DIR] [--force]: the version appears under its pushed name inside DIR,
// byte-identical and verified, or not at all.
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"

namespace mlops::cli {

namespace {

struct PullOptions {
  std::string ref;
  std::string dir = ".";
  bool force = false;
};

int run(const PullOptions& o, Env& env) {
  auto ref = store::parse_model_ref(o.ref);
  auto result = env.client().pull_model(o.ref, o.dir, o.force);
  auto body = version_json(result.version);
  body["path"] = result.path;
  std::string name = "model/" + version_id(result.version);
  print_result(env, document("ModelPull", body), {name}, {name + " pulled to " + result.path});
  return 0;
}

}  // namespace

Action setup_model_pull(Args& args) {
  auto o = std::make_shared<PullOptions>();
  args.positional("ref", o->ref, "REF", "NAME, NAME:VERSION, NAME@ALIAS or sha256:HEX");
  args.option("-d,--dir", o->dir, "DIR", "directory to write into (created if missing; default: .)");
  args.flag("--force", o->force, "replace what is already there");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
