// What the stats commands share: the filter flags (--ion, --node, --agent, --run, --source and
// --since/--until), how a point looks in a table, and sparklines.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client.hpp"
#include "cli/command.hpp"
#include "stats/series.hpp"

namespace mlops::cli {

struct StatFilterOptions {
  std::string ion, node, agent, run, source, since, until;
  // With `times`, --since and --until too.
  void add(Args& args, bool times);
  // The filter; --since/--until as a duration back from now ("1h") or an RFC 3339 time.
  stats::Filter filter(int64_t now_ms) const;
};

// "1h" (before now) or "2026-12-01T10:00:00Z"; a usage error naming the flag otherwise.
int64_t parse_time_flag(const std::string& flag, const std::string& value, int64_t now_ms);

// TIME, WHERE (ion/node), RUN, NAME, VALUE, then SOURCE, AGENT, MODEL in wide output.
std::vector<std::string> point_row(const nlohmann::json& p);
extern const std::vector<struct Column> kPointColumns;

// Every point the filter selects, oldest first, a page at a time (a server answers 10,000 a
// request), so a large range never sits in memory whole.
void for_each_point(Client& client, stats::Filter f, const std::function<void(const nlohmann::json&)>& visit);

// Six significant digits, for tables ("558.028"); JSON keeps every digit.
std::string short_number(double v);

// ▁▂▃▅▇ over the values, scaled between their min and max; "" for none.
std::string sparkline(const std::vector<double>& values);

}  // namespace mlops::cli
