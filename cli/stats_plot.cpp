// mlops stats plot NAME... --out FILE.svg [--since T] [--until T] [--every D --agg A] [filters]:
// the stats as lines on one chart, written as a standalone SVG file.
#include <map>
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "schedule/cron.hpp"
#include "stats/chart.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace {

struct PlotOptions {
  std::vector<std::string> names;
  StatFilterOptions filter;
  std::string out, title, unit, every, agg;
};

int run(const PlotOptions& o, Env& env) {
  if (o.out.empty()) throw util::Error(util::Exit::usage, "say where to write the chart", "--out FILE.svg");
  auto f = o.filter.filter(env.clock.now_ms());
  stats::Chart chart;
  chart.title = o.title.empty() ? [&] {
    std::string t;
    for (const auto& n : o.names) t += (t.empty() ? "" : ", ") + n;
    return t;
  }() : o.title;
  chart.y_label = o.unit.empty() ? "value" : "value (" + o.unit + ")";
  int64_t every_ms = o.every.empty() ? 0 : schedule::parse_duration(o.every) * 1000;
  std::string agg = o.agg.empty() ? "avg" : o.agg;
  if (!o.agg.empty() && o.every.empty())
    throw util::Error(util::Exit::usage, "--agg needs --every", "say how long a bucket is, e.g. --every 1m");
  stats::check_aggregation(agg);
  size_t points = 0;
  for (const auto& name : o.names) {
    f.name = name;
    if (every_ms) {
      stats::Series s{name + " (" + agg + " per " + o.every + ")", {}};
      for (const auto& b : env.client().stat_buckets(f, every_ms, agg))
        s.points.emplace_back(b.at("atMs").get<int64_t>(), b.at("value").get<double>());
      points += s.points.size();
      chart.series.push_back(std::move(s));
      continue;
    }
    // One line per place that reports the stat (ion/node).
    std::map<std::string, stats::Series> by_place;
    for_each_point(env.client(), f, [&](const nlohmann::json& p) {
      by_place[p.value("ion", "") + "/" + p.value("node", "")].points.emplace_back(p.at("atMs").get<int64_t>(),
                                                                                 p.at("value").get<double>());
    });
    for (auto& [place, s] : by_place) {
      s.label = by_place.size() > 1 ? name + " (" + place + ")" : name;
      points += s.points.size();
      chart.series.push_back(std::move(s));
    }
    if (by_place.empty()) chart.series.push_back({name, {}});
  }
  util::write_file_atomically(o.out, stats::render_svg(chart), 0644);
  print_result(env, document("Plot", {{"path", o.out}, {"series", chart.series.size()}, {"points", points}}), {o.out},
               {"plot/" + util::basename_of(o.out) + " written (" + std::to_string(chart.series.size()) + " lines, " + std::to_string(points) +
                    " points)"});
  return 0;
}

}  // namespace

Action setup_stats_plot(Args& args) {
  auto o = std::make_shared<PlotOptions>();
  args.positionals("NAME", o->names, "NAME", "the stats to draw, one line each (one per ION/node that reports it)");
  args.option("--out", o->out, "FILE", "the SVG file to write", true);
  args.option("--title", o->title, "TEXT", "the chart's title (default: the names)");
  args.option("--unit", o->unit, "UNIT", "the values' unit, for the y axis (ms, rows, bytes, ...)");
  args.option("--every", o->every, "DURATION", "draw one aggregated value per bucket instead of every point");
  args.option("--agg", o->agg, "AGG", "how a bucket's points make its value: avg (default), min, max, sum, count, p50, p95 or p99");
  o->filter.add(args, true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
