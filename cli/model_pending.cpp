// mlops model pending: models held by approval policies, waiting for people.
#include <memory>

#include "api/flows.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "runtime/approval.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct PendingOptions {};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out.empty() ? "-" : out;
}

int run(const PendingOptions&, Env& env) {
  int64_t now = env.clock.now_ms();
  auto pending = env.client().pending_approvals(now);
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"MODEL"}, {"ION"}, {"POLICY"}, {"APPROVALS"}, {"APPROVERS", true}, {"PRODUCED BY", true},
                   {"WAITING"}, {"EXPIRES"}};
  std::vector<std::string> names;
  for (const auto& p : pending) {
    items.push_back(api::pending(p));
    names.push_back("model/" + p.model);
    table.rows.push_back({p.model, p.ion, p.node, std::to_string(p.approved_by.size()) + "/" + std::to_string(p.quorum),
                          join(p.approvers), p.requester.empty() ? "-" : p.requester, util::format_age(now, p.since_ms),
                          p.expires_ms ? "in " + util::format_age(p.expires_ms, now) : "never"});
  }
  if (pending.empty() && !structured_output(env) && env.global.output != "name") {
    env.err << "nothing is waiting for approval\n";
    return 0;
  }
  print_list(env, "PendingApproval", items, table, names);
  return 0;
}

}  // namespace

Action setup_model_pending(Args&) {
  auto o = std::make_shared<PendingOptions>();
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
