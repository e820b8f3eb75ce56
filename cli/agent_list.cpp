// mlops agent list / agent revoke NAME: the agents that joined a server, and cutting one off. Both
// work against a server context and against a server's store named with --store.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ListOptions {};

int list(const ListOptions&, Env& env) {
  auto items = env.client().list_agents();
  int64_t now = env.clock.now_ms();
  Table table;
  table.columns = {{"NAME"}, {"LABELS"}, {"LAST SEEN"}, {"SPOOL ACKED"}, {"STATUS"}, {"ENGINES", true}, {"VERSION", true}};
  std::vector<std::string> names;
  for (const auto& a : items) {
    std::string labels;
    for (auto& [k, v] : a["labels"].items()) labels += (labels.empty() ? "" : ",") + k + "=" + v.get<std::string>();
    std::string engines;
    for (const auto& e : a["engines"]) engines += (engines.empty() ? "" : ",") + e.get<std::string>();
    std::string seen = "never";
    if (a["lastSeen"].is_string()) seen = util::format_age(now, util::parse_rfc3339(a["lastSeen"]).value_or(now)) + " ago";
    table.rows.push_back({a["name"], labels.empty() ? "-" : labels, seen, std::to_string(a["ackedSeq"].get<int64_t>()),
                          a["revoked"].get<bool>() ? "revoked" : "joined", engines.empty() ? "-" : engines,
                          a["version"].get<std::string>().empty() ? "-" : a["version"].get<std::string>()});
    names.push_back("agent/" + a["name"].get<std::string>());
  }
  print_list(env, "Agent", items, table, names);
  return 0;
}

struct RevokeOptions {
  std::string name;
};

int revoke(const RevokeOptions& o, Env& env) {
  env.client().revoke_agent(o.name, env.clock.now_ms());
  print_result(env, document("Agent", {{"name", o.name}, {"revoked", true}}), {"agent/" + o.name},
               {"agent/" + o.name + " revoked"});
  return 0;
}

}  // namespace

Action setup_agent_list(Args&) {
  auto o = std::make_shared<ListOptions>();
  return [o](Env& env) { return list(*o, env); };
}

Action setup_agent_revoke(Args& args) {
  auto o = std::make_shared<RevokeOptions>();
  args.positional("name", o->name, "NAME", "the agent whose certificate the server refuses from now on");
  return [o](Env& env) { return revoke(*o, env); };
}

}  // namespace mlops::cli
