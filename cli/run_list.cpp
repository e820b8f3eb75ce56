// mlops run list [--ion NAME] [--node N]
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/run_common.hpp"
#include "runtime/run.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ListOptions {
  std::string ion, node;
};

int run(const ListOptions& o, Env& env) {
  auto runs = env.client().list_runs(o.ion, o.node);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"ID"}, {"ION"}, {"NODE"}, {"STATUS"}, {"OUTCOME", true}, {"MODEL"}, {"DURATION"}, {"AGE"}};
  std::vector<std::string> names;
  for (const auto& r : runs) {
    items.push_back(run_json(r));
    names.push_back("run/" + r.id);
    std::string duration = r.finished_ms ? std::to_string((r.finished_ms - r.started_ms) / 1000) + "s" : "-";
    table.rows.push_back({r.id, r.ion, r.node, r.status, r.outcome, r.model.empty() ? "-" : r.model, duration,
                          util::format_age(env.clock.now_ms(), r.started_ms)});
  }
  if (runs.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << "no runs found\n";
    return 0;
  }
  print_list(env, "Run", items, table, names);
  return 0;
}

}  // namespace

Action setup_run_list(Args& args) {
  auto o = std::make_shared<ListOptions>();
  args.option("--ion", o->ion, "NAME", "only runs of this ION");
  args.option("--node", o->node, "NODE", "only runs of this node");
  return [o](Env& env) { return run(*o, env); };
}

Action setup_run_show(Args& args);

namespace {

struct ShowOptions {
  std::string id;
};

int show(const ShowOptions& o, Env& env) {
  auto [r, summaries] = env.client().show_run(o.id);
  if (structured_output(env)) {
    auto j = run_json(r);
    j["stats"] = nlohmann::json::array();
    for (const auto& s : summaries)
      j["stats"].push_back({{"name", s.name}, {"source", s.source}, {"points", s.points}, {"last", s.last}});
    print_document(env, document("Run", j));
    return 0;
  }
  if (env.global.output == "name") {
    env.out << "run/" << r.id << "\n";
    return 0;
  }
  std::string stats;
  for (const auto& s : summaries)
    stats += (stats.empty() ? "" : ", ") + s.name + "=" + util::format_number(s.last) + " (" + std::to_string(s.points) +
             (s.points == 1 ? " point" : " points") + ")";
  std::string args;
  for (const auto& [k, v] : r.args) args += (args.empty() ? "" : ", ") + k + "=" + v;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ID", r.id},
      {"ION", r.ion},
      {"Node", r.node},
      {"Pipeline", r.pipeline},
      {"Status", r.status},
      {"Outcome", r.outcome},
      {"Attempts", std::to_string(r.attempts)},
      {"Args", args.empty() ? "-" : args},
      {"Model in", r.model_in.empty() ? "-" : "model/" + r.model_in},
      {"Model", r.model.empty() ? "-" : "model/" + r.model},
      {"Started", util::format_rfc3339(r.started_ms) + " by " + r.actor},
      {"Finished", r.finished_ms ? util::format_rfc3339(r.finished_ms) : "-"},
      {"Stats", stats.empty() ? "-" : stats}};
  // The run's files are where it ran: here, or on the agent that ran it.
  if (!env.server_context()) fields.push_back({"Directory", runtime::run_dir(env.store(), r.id)});
  if (!r.spark_state.empty())
    fields.insert(fields.begin() + 6, {"Spark", r.spark_state + (r.spark_app.empty() ? "" : " (application " + r.spark_app + ")")});
  print_fields(env, fields);
  return 0;
}

}  // namespace

Action setup_run_show(Args& args) {
  auto o = std::make_shared<ShowOptions>();
  args.positional("id", o->id, "ID", "run id");
  return [o](Env& env) { return show(*o, env); };
}

}  // namespace mlops::cli
