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
  auto removed = env.client().delete_models(o.ref);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  for (const auto& v : removed) {
    items.push_back(version_json(v));
    names.push_back("model/" + version_id(v));
    lines.push_back(names.back() + " deleted");
  }
  if (ref.kind == store::ModelRef::Kind::name)
    lines = {"model/" + ref.name + " deleted (" + std::to_string(removed.size()) +
             (removed.size() == 1 ? " version)" : " versions)")};
  print_result(env, document("ModelDeletion", {{"items", items}}), names, lines);
  return 0;
}

}  // namespace

Action setup_model_delete(Args& args) {
  auto o = std::make_shared<DeleteOptions>();
  args.positional("ref", o->ref, "REF", "NAME (every version), NAME:VERSION or NAME@ALIAS");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
