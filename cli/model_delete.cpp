// mlops model delete REF: NAME:VERSION or NAME@ALIAS deletes one version, NAME the whole model.
// Blobs stay until 'mlops store gc', so a mistaken delete loses no bytes until then.
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"

namespace mlops::cli {

namespace {

struct DeleteOptions {
  std::string ref;
};

int run(const DeleteOptions& o, Env& env) {
  auto ref = store::parse_model_ref(o.ref);
  auto removed = env.store().registry().remove(ref, env.actor(), env.clock.now_ms());
  if (structured_output(env)) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& v : removed) items.push_back(version_json(v));
    print_document(env, document("ModelDeletion", {{"items", items}}));
  } else if (env.global.output == "name") {
    for (const auto& v : removed) env.out << "model/" << version_id(v) << "\n";
  } else if (ref.kind == store::ModelRef::Kind::name) {
    print_mutation(env, "model/" + ref.name + " deleted (" + std::to_string(removed.size()) +
                            (removed.size() == 1 ? " version)" : " versions)"));
  } else {
    for (const auto& v : removed) print_mutation(env, "model/" + version_id(v) + " deleted");
  }
  return 0;
}

}  // namespace

Action setup_model_delete(Args& args) {
  auto o = std::make_shared<DeleteOptions>();
  args.positional("ref", o->ref, "REF", "NAME (every version), NAME:VERSION or NAME@ALIAS");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
