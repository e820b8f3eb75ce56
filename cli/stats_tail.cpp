// mlops stats tail [-f] [-n N] [--name NAME] [filters]: the latest points, oldest first; with -f,
// then each new point as it is recorded (locally or by a server), until interrupted.
#include <chrono>
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct TailOptions {
  StatFilterOptions filter;
  std::string name, lines = "20";
  bool follow = false;
};

int64_t count_of(const std::string& flag, const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    throw util::Error(util::Exit::usage, "invalid " + flag + " '" + text + "': a number of points");
  return std::stoll(text);
}

void print_points(Env& env, const nlohmann::json& points, bool& header) {
  if (env.global.output == "name") {
    for (const auto& p : points) env.out << "stat/" << p.at("name").get<std::string>() << "\n";
  } else if (structured_output(env)) {
    for (const auto& p : points) env.out << document("StatPoint", p).dump() << "\n";
  } else if (!points.empty()) {
    Table t{kPointColumns, {}};
    for (const auto& p : points) t.rows.push_back(point_row(p));
    bool saved = env.global.no_headers;
    env.global.no_headers = saved || !header;
    print_table(env, t);
    env.global.no_headers = saved;
    header = false;
  }
  env.out.flush();
}

int run(const TailOptions& o, Env& env) {
  auto f = o.filter.filter(env.clock.now_ms());
  f.name = o.name;
  f.limit = count_of("-n", o.lines);
  auto first = f.limit ? env.client().stat_points(f) : nlohmann::json::array();
  if (!o.follow) {
    Table table{kPointColumns, {}};
    std::vector<std::string> names;
    for (const auto& p : first) {
      table.rows.push_back(point_row(p));
      names.push_back("stat/" + p.at("name").get<std::string>());
    }
    if (first.empty() && !structured_output(env) && env.global.output != "name") {
      env.err << "no stats yet\n";
      return 0;
    }
    print_list(env, "StatPoint", first, table, names);
    return 0;
  }
  // Following: one line (or JSON document) per point, from the newest N on.
  bool header = !env.global.no_headers;
  print_points(env, first, header);
  f.limit = 0;
  f.after_id = first.empty() ? 0 : first.back().at("id").get<int64_t>();
  if (first.empty()) {
    // Nothing matched yet: start from whatever is recorded next.
    auto f0 = f;
    f0.limit = 1;
    f0.ion = f0.node = f0.agent = f0.run = f0.name = f0.source = "";
    auto last = env.client().stat_points(f0);
    if (!last.empty()) f.after_id = last.back().at("id").get<int64_t>();
  }
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto points = env.client().stat_points(f);
    if (points.empty()) continue;
    f.after_id = points.back().at("id").get<int64_t>();
    print_points(env, points, header);
  }
}

}  // namespace

Action setup_stats_tail(Args& args) {
  auto o = std::make_shared<TailOptions>();
  args.option("--name", o->name, "NAME", "only points of this stat");
  args.option("-n,--lines", o->lines, "N", "how many of the latest points to show first (default 20)");
  args.flag("-f,--follow", o->follow, "then print each new point as it is recorded, until interrupted");
  o->filter.add(args, false);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
