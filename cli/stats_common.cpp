#include "cli/stats_common.hpp"

#include <algorithm>
#include <cstdio>

#include "cli/output.hpp"
#include "schedule/cron.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

void StatFilterOptions::add(Args& args, bool times) {
  args.option("--ion", ion, "NAME", "only this ION's stats");
  args.option("--node", node, "NODE", "only this node's");
  args.option("--agent", agent, "AGENT", "only what runs on this agent reported ('local': runs of this machine)");
  args.option("--run", run, "ID", "only this run's");
  args.option("--source", source, "SOURCE", "only stat, metric, tensorboard, spark-*, distribution or health");
  if (!times) return;
  args.option("--since", since, "TIME", "from this time on: a duration back from now (1h) or RFC 3339");
  args.option("--until", until, "TIME", "before this time: a duration back from now or RFC 3339 (default: now)");
}

int64_t parse_time_flag(const std::string& flag, const std::string& value, int64_t now_ms) {
  if (auto t = util::parse_rfc3339(value)) return *t;
  // RFC 3339 without milliseconds, as people type it.
  if (value.size() == 20 && value.back() == 'Z')
    if (auto t = util::parse_rfc3339(value.substr(0, 19) + ".000Z")) return *t;
  try {
    return now_ms - schedule::parse_duration(value) * 1000;
  } catch (const util::Error&) {
    throw util::Error(util::Exit::usage, "invalid " + flag + " '" + value + "'",
                      "a duration back from now such as 90s, 15m or 2d, or a time such as 2026-12-01T10:00:00Z");
  }
}

stats::Filter StatFilterOptions::filter(int64_t now_ms) const {
  stats::Filter f;
  f.ion = ion;
  f.node = node;
  f.agent = agent;
  f.run = run;
  f.source = source;
  if (!since.empty()) f.since_ms = parse_time_flag("--since", since, now_ms);
  if (!until.empty()) f.until_ms = parse_time_flag("--until", until, now_ms);
  return f;
}

const std::vector<Column> kPointColumns = {{"TIME"}, {"WHERE"}, {"RUN"},         {"NAME"},
                                           {"VALUE"}, {"SOURCE", true}, {"AGENT", true}, {"MODEL", true}};

std::vector<std::string> point_row(const nlohmann::json& p) {
  std::string model = p.value("model", "");
  return {util::format_rfc3339(p.at("atMs")),
          p.value("ion", "") + "/" + p.value("node", ""),
          p.value("run", ""),
          p.value("name", ""),
          short_number(p.at("value").get<double>()),
          p.value("source", ""),
          p.value("agent", ""),
          model.empty() ? "-" : model};
}

void for_each_point(Client& client, stats::Filter f, const std::function<void(const nlohmann::json&)>& visit) {
  f.limit = 0;
  for (;;) {
    auto page = client.stat_points(f);
    if (page.empty()) return;
    for (const auto& p : page) visit(p);
    f.after_id = page.back().at("id").get<int64_t>();
  }
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string sparkline(const std::vector<double>& values) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty()) return "";
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    int i = *hi > *lo ? static_cast<int>((v - *lo) / (*hi - *lo) * 7 + 0.5) : 3;
    out += kBars[std::clamp(i, 0, 7)];
  }
  return out;
}

}  // namespace mlops::cli
