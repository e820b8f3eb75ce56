// mlops events [--ion NAME]: what happened, oldest first.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "runtime/events.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct EventsOptions {
  std::string ion;
};

int run(const EventsOptions& o, Env& env) {
  auto events = runtime::list_events(env.store(), o.ion);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"TIME"}, {"EVENT"}, {"WHERE"}, {"MODEL"}, {"DETAIL"}};
  std::vector<std::string> names;
  for (const auto& e : events) {
    items.push_back({{"time", util::format_rfc3339(e.at_ms)}, {"event", e.kind}, {"ion", e.ion}, {"node", e.node},
                     {"model", e.model}, {"detail", e.detail}});
    table.rows.push_back({util::format_rfc3339(e.at_ms), e.kind, e.ion + "/" + e.node, e.model.empty() ? "-" : e.model,
                          e.detail});
    names.push_back("ion/" + e.ion);
  }
  if (events.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << "no events yet\n";
    return 0;
  }
  print_list(env, "Event", items, table, names);
  return 0;
}

}  // namespace

Action setup_events(Args& args) {
  auto o = std::make_shared<EventsOptions>();
  args.option("--ion", o->ion, "NAME", "only this ION");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
