// mlops pipeline delete REF: NAME:VERSION deletes one version, NAME every version.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/pipeline_common.hpp"

namespace mlops::cli {

namespace {

struct DeleteOptions {
  std::string ref;
};

int run(const DeleteOptions& o, Env& env) {
  auto removed = env.client().delete_pipeline(o.ref);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  for (const auto& v : removed) {
    items.push_back(pipeline_json(v));
    names.push_back("pipeline/" + pipeline_id(v));
    lines.push_back(names.back() + " deleted");
  }
  print_result(env, document("PipelineDeletion", {{"items", items}}), names, lines);
  return 0;
}

}  // namespace

Action setup_pipeline_delete(Args& args) {
  auto o = std::make_shared<DeleteOptions>();
  args.positional("ref", o->ref, "REF", "NAME (every version) or NAME:VERSION");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
