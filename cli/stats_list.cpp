// mlops stats list [filters]: each stat the filters select, with its count, range, last value and
// a sparkline of its latest values.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

int run(const StatFilterOptions& o, Env& env) {
  auto rows = env.client().stat_summaries(o.filter(env.clock.now_ms()));
  Table table{{{"NAME"}, {"SOURCE"}, {"POINTS"}, {"LAST"}, {"MIN", true}, {"MAX", true}, {"TREND"}, {"AGE"}}, {}};
  std::vector<std::string> names;
  for (const auto& r : rows) {
    std::vector<double> recent = r.at("recent").get<std::vector<double>>();
    table.rows.push_back({r.at("name"), r.at("source"), std::to_string(r.at("points").get<int64_t>()),
                          short_number(r.at("last").get<double>()), short_number(r.at("min").get<double>()),
                          short_number(r.at("max").get<double>()), sparkline(recent),
                          util::format_age(env.clock.now_ms(), r.at("lastAtMs").get<int64_t>())});
    names.push_back("stat/" + r.at("name").get<std::string>());
  }
  if (rows.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << "no stats yet\n";
    return 0;
  }
  print_list(env, "StatSummary", rows, table, names);
  return 0;
}

}  // namespace

Action setup_stats_list(Args& args) {
  auto o = std::make_shared<StatFilterOptions>();
  o->add(args, true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
