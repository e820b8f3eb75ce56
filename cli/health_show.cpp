// mlops health show [--ion N] [--node N]: for each node whose runs report feature windows, the
// features sorted by drift with their scores, thresholds, verdict and the PSI trend over recent
// windows.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct HealthOptions {
  std::string ion, node;
};

std::string score(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  return buf;
}

std::string thresholds(const nlohmann::json& t) {
  if (!t.is_object()) return "-";
  std::string out;
  for (const auto& [k, v] : t.items()) out += (out.empty() ? "" : ",") + k + (k == "overlap" ? "<" : ">") + util::format_number(v.get<double>());
  return out.empty() ? "-" : out;
}

int run(const HealthOptions& o, Env& env) {
  auto nodes = env.client().node_health(o.ion, o.node);
  if (structured_output(env)) {
    print_document(env, document("NodeHealthList", {{"items", nodes}}));
    return 0;
  }
  if (env.global.output == "name") {
    for (const auto& n : nodes)
      for (const auto& f : n.at("features")) env.out << "feature/" << f.at("name").get<std::string>() << "\n";
    return 0;
  }
  if (nodes.empty()) {
    env.err << "no health yet: no run " << (o.node.empty() ? "" : "of " + o.ion + "/" + o.node + " ")
            << "has reported feature windows against a model's baseline [the SDK's baseline() and observe()]\n";
    return 0;
  }
  bool first = true;
  for (const auto& n : nodes) {
    if (!first) env.out << "\n";
    first = false;
    size_t features = n.at("features").size(), drifted = n.at("drifted").get<size_t>();
    env.out << n.at("ion").get<std::string>() << "/" << n.at("node").get<std::string>() << ": health "
            << score(n.at("score")) << " (" << drifted << " of " << features << (features == 1 ? " feature" : " features")
            << " drifted), model " << n.at("model").get<std::string>() << ", "
            << util::format_age(env.clock.now_ms(), n.at("atMs").get<int64_t>()) << " ago\n";
    Table table{{{"FEATURE"}, {"PSI"}, {"KS"}, {"JS"}, {"OVERLAP"}, {"THRESHOLD"}, {"VERDICT"}, {"TREND"}, {"REASON", true}}, {}};
    for (const auto& f : n.at("features")) {
      bool drift = f.value("drift", false);
      table.rows.push_back({f.at("name"), score(f.at("psi")), score(f.at("ks")), score(f.at("js")), score(f.at("overlap")),
                            thresholds(f.at("thresholds")), drift ? "drift" : "ok",
                            sparkline(f.at("trend").get<std::vector<double>>()),
                            f.at("reason").is_string() && !f.at("reason").get<std::string>().empty() ? f.at("reason").get<std::string>() : "-"});
    }
    print_table(env, table);
  }
  return 0;
}

}  // namespace

Action setup_health_show(Args& args) {
  auto o = std::make_shared<HealthOptions>();
  args.option("--ion", o->ion, "NAME", "only this ION's nodes");
  args.option("--node", o->node, "NODE", "only this node");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
