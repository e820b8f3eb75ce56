// mlops ion delete NAME: the ION and its history go; pipelines and models stay.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"

namespace mlops::cli {

namespace {

struct DeleteOptions {
  std::string name;
};

int run(const DeleteOptions& o, Env& env) {
  env.client().delete_ion(o.name);
  std::string name = "ion/" + o.name;
  print_result(env, document("IONDeletion", {{"name", o.name}}), {name}, {name + " deleted"});
  return 0;
}

}  // namespace

Action setup_ion_delete(Args& args) {
  auto o = std::make_shared<DeleteOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
