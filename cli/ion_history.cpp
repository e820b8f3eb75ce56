// mlops ion history NAME: every applied revision with time, who and the change cause.
#include <memory>

#include "api/resources.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct HistoryOptions {
  std::string name;
};

int run(const HistoryOptions& o, Env& env) {
  auto revisions = env.client().ion_history(o.name);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"REVISION"}, {"APPLIED"}, {"BY"}, {"CAUSE"}};
  std::vector<std::string> names;
  for (const auto& r : revisions) {
    items.push_back(api::ion_history_entry(r));
    table.rows.push_back({std::to_string(r.revision) + (r.current ? " *" : ""), util::format_rfc3339(r.applied_ms),
                          r.applied_by, r.cause});
    names.push_back("ion/" + r.name + "@" + std::to_string(r.revision));
  }
  print_list(env, "IONRevision", items, table, names);
  return 0;
}

}  // namespace

Action setup_ion_history(Args& args) {
  auto o = std::make_shared<HistoryOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
