// mlops model history NAME: every push, alias move and deletion, oldest first, with time and actor.
#include <memory>

#include "api/resources.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct HistoryOptions {
  std::string name;
};

std::string describe(const store::ModelEvent& e) {
  auto v = [](const std::optional<int64_t>& x) { return x ? std::to_string(*x) : std::string("-"); };
  if (e.action == "push") return "version " + v(e.to_version);
  if (e.action == "alias") {
    if (!e.to_version) return e.alias + " removed (was " + v(e.from_version) + ")";
    if (!e.from_version) return e.alias + " set to " + v(e.to_version);
    return e.alias + " " + v(e.from_version) + " -> " + v(e.to_version);
  }
  if (e.action == "delete") return e.from_version ? "version " + v(e.from_version) : "every version";
  return "";
}

int run(const HistoryOptions& o, Env& env) {
  store::validate_model_name(o.name);
  auto events = env.client().model_history(o.name);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"TIME"}, {"ACTOR"}, {"ACTION"}, {"CHANGE"}};
  std::vector<std::string> names;
  for (const auto& e : events) {
    items.push_back(api::model_event(e));
    table.rows.push_back({util::format_rfc3339(e.at_ms), e.actor, e.action, describe(e)});
    names.push_back("model/" + o.name);
  }
  if (env.global.output == "name") names.resize(1);
  print_list(env, "ModelEvent", items, table, names);
  return 0;
}

}  // namespace

Action setup_model_history(Args& args) {
  auto o = std::make_shared<HistoryOptions>();
  args.positional("name", o->name, "NAME", "model name");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
