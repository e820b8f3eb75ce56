// mlops model list [NAME] [-l KEY=VALUE]...
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct ListOptions {
  std::string name;
  std::vector<std::string> selectors;
};

int run(const ListOptions& o, Env& env) {
  store::ListFilter filter;
  filter.name = o.name;
  if (!o.name.empty()) store::validate_model_name(o.name);
  filter.labels = parse_pairs(o.selectors, "--selector");
  auto versions = env.client().list_models(filter);

  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"NAME"},    {"VERSION"},     {"DIGEST"}, {"TYPE", true}, {"SIZE"},   {"ALIASES"},
                   {"METRICS", true}, {"LABELS", true}, {"CREATED BY", true}, {"AGE"}};
  std::vector<std::string> names;
  int64_t now = env.clock.now_ms();
  bool structured = structured_output(env);
  for (const auto& v : versions) {
    if (structured) {
      items.push_back(version_json(v));
      continue;
    }
    names.push_back("model/" + version_id(v));
    std::string aliases;
    for (const auto& a : v.aliases) aliases += (aliases.empty() ? "" : ",") + a;
    table.rows.push_back({v.name, std::to_string(v.version), v.digest.substr(0, 12), v.type, util::human_bytes(v.size),
                          aliases.empty() ? "-" : aliases, key_values(v.metrics), key_values(v.labels), v.created_by,
                          util::format_age(now, v.created_ms)});
  }
  if (versions.empty() && !structured && env.global.output != "name") {
    env.err << "no model versions found\n";
    return 0;
  }
  print_list(env, "ModelVersion", items, table, names);
  return 0;
}

}  // namespace

Action setup_model_list(Args& args) {
  auto o = std::make_shared<ListOptions>();
  args.positional("name", o->name, "NAME", "only this model", false);
  args.option("-l,--selector", o->selectors, "KEY=VALUE", "only versions with label KEY=VALUE (repeatable)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
