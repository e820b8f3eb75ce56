// mlops events [--ion NAME] [-f]: what happened, oldest first; with -f, then what happens, as it happens.
#include <memory>
#include <set>
#include <thread>

#include "api/resources.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "runtime/events.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct EventsOptions {
  std::string ion;
  bool follow = false;
};

nlohmann::json event_json(const runtime::Event& e) { return api::event(e); }

std::vector<std::string> event_row(const runtime::Event& e) {
  return {util::format_rfc3339(e.at_ms), e.kind, e.ion + "/" + e.node, e.model.empty() ? "-" : e.model, e.detail};
}

const std::vector<Column> kColumns = {{"TIME"}, {"EVENT"}, {"WHERE"}, {"MODEL"}, {"DETAIL"}};

// -f prints one line per event as it comes: a row (no alignment with rows not yet seen), a JSON
// document per line, or a name. Interrupt to stop.
int follow(const EventsOptions& o, Env& env) {
  std::set<std::string> seen;
  bool header = !env.global.no_headers && !structured_output(env) && env.global.output != "name";
  for (;;) {
    for (const auto& e : env.client().list_events(o.ion)) {
      auto doc = event_json(e);
      if (!seen.insert(doc.dump()).second) continue;
      if (env.global.output == "name") {
        env.out << "ion/" << e.ion << "\n";
      } else if (structured_output(env)) {
        env.out << document("Event", doc).dump() << "\n";
      } else {
        Table t{kColumns, {event_row(e)}};
        if (!header) env.global.no_headers = true;
        print_table(env, t);
        header = false;
      }
    }
    env.out.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

int run(const EventsOptions& o, Env& env) {
  if (o.follow) return follow(o, env);
  auto events = env.client().list_events(o.ion);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = kColumns;
  std::vector<std::string> names;
  for (const auto& e : events) {
    items.push_back(event_json(e));
    table.rows.push_back(event_row(e));
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
  args.flag("-f,--follow", o->follow, "keep printing new events as they happen (-o json: one document per line)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
