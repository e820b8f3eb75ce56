// mlops pipeline list [NAME]
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/pipeline_common.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ListOptions {
  std::string name;
};

int run(const ListOptions& o, Env& env) {
  auto versions = env.client().list_pipelines(o.name);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"NAME"}, {"VERSION"}, {"ENGINE"}, {"DIGEST"}, {"FILES", true}, {"SIZE"}, {"CREATED BY", true}, {"AGE"}};
  std::vector<std::string> names;
  int64_t now = env.clock.now_ms();
  for (const auto& v : versions) {
    items.push_back(pipeline_json(v));
    names.push_back("pipeline/" + pipeline_id(v));
    table.rows.push_back({v.name, std::to_string(v.version), v.engine, v.digest.substr(0, 12), std::to_string(v.files),
                          util::human_bytes(v.size), v.created_by, util::format_age(now, v.created_ms)});
  }
  if (versions.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << "no pipelines found\n";
    return 0;
  }
  print_list(env, "PipelineVersion", items, table, names);
  return 0;
}

}  // namespace

Action setup_pipeline_list(Args& args) {
  auto o = std::make_shared<ListOptions>();
  args.positional("name", o->name, "NAME", "only this pipeline", false);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
