// mlops stats query NAME [--since T] [--until T] [--every 1m --agg avg|...] [filters]: one stat's
// points over a time range, or bucketed and aggregated.
#include <cctype>
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "util/error.hpp"
#include "schedule/cron.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct QueryOptions {
  std::string name;
  StatFilterOptions filter;
  std::string every, agg;
};

int run(const QueryOptions& o, Env& env) {
  auto f = o.filter.filter(env.clock.now_ms());
  f.name = o.name;
  if (o.every.empty()) {
    if (!o.agg.empty()) throw util::Error(util::Exit::usage, "--agg needs --every", "say how long a bucket is, e.g. --every 1m");
    auto points = env.client().stat_points(f);
    Table table{kPointColumns, {}};
    std::vector<std::string> names;
    for (const auto& p : points) {
      table.rows.push_back(point_row(p));
      names.push_back("stat/" + o.name);
    }
    print_list(env, "StatPoint", points, table, names);
    return 0;
  }
  int64_t every_ms = schedule::parse_duration(o.every) * 1000;
  std::string agg = o.agg.empty() ? "avg" : o.agg;
  stats::check_aggregation(agg);
  // Buckets line up with the range's start: --since 1h --every 5m gives twelve of them.
  auto buckets = env.client().stat_buckets(f, every_ms, agg);
  std::string header = agg;
  for (char& c : header) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Table table{{{"TIME"}, {header}, {"POINTS"}}, {}};
  std::vector<std::string> names;
  for (const auto& b : buckets) {
    table.rows.push_back({util::format_rfc3339(b.at("atMs")), short_number(b.at("value").get<double>()),
                          std::to_string(b.at("points").get<int64_t>())});
    names.push_back("stat/" + o.name);
  }
  print_list(env, "StatBucket", buckets, table, names);
  return 0;
}

}  // namespace

Action setup_stats_query(Args& args) {
  auto o = std::make_shared<QueryOptions>();
  args.positional("NAME", o->name, "NAME", "the stat");
  o->filter.add(args, true);
  args.option("--every", o->every, "DURATION", "bucket the points: one value per 1m, 1h, ... from --since on");
  args.option("--agg", o->agg, "AGG", "how a bucket's points make its value: avg (default), min, max, sum, count, p50, p95 or p99");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
