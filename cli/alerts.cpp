// mlops alerts list [--ion N] [--all] and mlops alerts ack ID [--comment TEXT]: what wants people's
// attention (drifted features, failed runs, expired approvals, pipelines' own alerts), and saying
// someone is on it.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ListOptions {
  std::string ion;
  bool all = false;
};

std::vector<std::string> alert_row(const runtime::Alert& a, int64_t now_ms) {
  std::string where = a.ion.empty() ? "-" : a.ion + "/" + a.node;
  return {std::to_string(a.id), util::format_age(now_ms, a.at_ms), a.level, a.source, a.name, where, a.message,
          a.acked_by.empty() ? "-" : a.acked_by};
}

int list(const ListOptions& o, Env& env) {
  auto alerts = env.client().list_alerts(o.ion, o.all);
  nlohmann::json items = nlohmann::json::array();
  Table table{{{"ID"}, {"AGE"}, {"LEVEL"}, {"SOURCE"}, {"NAME"}, {"WHERE"}, {"MESSAGE"}, {"ACKED BY", true}}, {}};
  std::vector<std::string> names;
  for (const auto& a : alerts) {
    items.push_back(runtime::alert_json(a));
    table.rows.push_back(alert_row(a, env.clock.now_ms()));
    names.push_back("alert/" + std::to_string(a.id));
  }
  if (alerts.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << (o.all ? "no alerts\n" : "no alerts waiting [acknowledged ones too: --all]\n");
    return 0;
  }
  print_list(env, "Alert", items, table, names);
  return 0;
}

struct AckOptions {
  std::string id, comment;
};

int ack(const AckOptions& o, Env& env) {
  if (o.id.empty() || o.id.size() > 18 || o.id.find_first_not_of("0123456789") != std::string::npos)
    throw util::Error(util::Exit::usage, "invalid alert id '" + o.id + "'", "alert ids are numbers: see 'mlops alerts list'");
  auto a = env.client().ack_alert(std::stoll(o.id), o.comment);
  print_result(env, document("Alert", runtime::alert_json(a)), {"alert/" + o.id},
               {"alert/" + o.id + " acknowledged by " + a.acked_by});
  return 0;
}

}  // namespace

Action setup_alerts_list(Args& args) {
  auto o = std::make_shared<ListOptions>();
  args.option("--ion", o->ion, "NAME", "only this ION's alerts");
  args.flag("--all", o->all, "acknowledged alerts too");
  return [o](Env& env) { return list(*o, env); };
}

Action setup_alerts_ack(Args& args) {
  auto o = std::make_shared<AckOptions>();
  args.positional("ID", o->id, "ID", "the alert, as 'mlops alerts list' numbers it");
  args.option("--comment", o->comment, "TEXT", "what is being done about it");
  return [o](Env& env) { return ack(*o, env); };
}

}  // namespace mlops::cli
