// mlops init: create a store where --store (or the default) points; repeating it changes nothing.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace mlops::cli {

namespace {

struct InitOptions {};

int run(const InitOptions&, Env& env) {
  std::string root = env.store_root();
  bool existed = store::Store::exists(root);
  store::Store opened(root, store::Store::Open::create);
  if (structured_output(env)) {
    print_document(env, document("Store", {{"path", root}, {"created", !existed},
                                           {"schemaVersion", store::Catalog::kSchemaVersion}}));
    return 0;
  }
  if (env.global.output == "name") {
    env.out << root << "\n";
    return 0;
  }
  // The store's name is its path, so quote it rather than glue it to "store/".
  print_mutation(env, "store '" + root + "'" + (existed ? " unchanged" : " created"));
  return 0;
}

}  // namespace

Action setup_init(Args&) {
  auto opts = std::make_shared<InitOptions>();
  return [opts](Env& env) { return run(*opts, env); };
}

}  // namespace mlops::cli
