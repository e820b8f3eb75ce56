// mlops stats prune --older-than DURATION: remove stat points recorded before then (a server does
// this itself, see 'server run --stats-retention'; agents keep what their config says).
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/stats_common.hpp"
#include "stats/series.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct PruneOptions {
  std::string older_than;
};

int run(const PruneOptions& o, Env& env) {
  int64_t before = parse_time_flag("--older-than", o.older_than, env.clock.now_ms());
  int64_t removed = stats::prune(env.store(), before);
  print_result(env, document("StatPrune", {{"before", util::format_rfc3339(before)}, {"removed", removed}}), {},
               {"pruned " + std::to_string(removed) + " stat points recorded before " + util::format_rfc3339(before)});
  return 0;
}

}  // namespace

Action setup_stats_prune(Args& args) {
  auto o = std::make_shared<PruneOptions>();
  args.option("--older-than", o->older_than, "TIME", "remove points recorded before this: a duration back from now (30d) or RFC 3339", true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
