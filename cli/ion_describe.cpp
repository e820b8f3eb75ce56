// mlops ion describe NAME: the current revision for people: nodes, policies, schedules, edges.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct DescribeOptions {
  std::string name;
};

// " (service, timeout 30m, retry 2 from 10s, replace)": what differs from a plain batch node.
std::string controls(const ion::Node& n) {
  std::vector<std::string> parts;
  if (n.mode == "service") parts.push_back("service");
  if (!n.timeout.empty()) parts.push_back("timeout " + n.timeout);
  if (n.retry.limit) parts.push_back("retry " + std::to_string(n.retry.limit) + " from " + n.retry.backoff);
  if (n.concurrency != "forbid") parts.push_back(n.concurrency);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? " (" : ", ") + p;
  return out.empty() ? "" : out + ")";
}

int run(const DescribeOptions& o, Env& env) {
  auto r = env.client().current_ion(o.name);
  auto m = ion::load_revision(r);
  if (structured_output(env)) {
    print_document(env, r.spec);
    return 0;
  }
  print_fields(env, {{"Name", m.name},
                     {"Description", m.description.empty() ? "-" : m.description},
                     {"Revision", std::to_string(r.revision)},
                     {"Applied", util::format_rfc3339(r.applied_ms) + " by " + r.applied_by},
                     {"Cause", r.cause}});
  env.out << "Nodes:\n";
  Table table;
  table.columns = {{"  NAME"}, {"KIND"}, {"WHAT"}, {"WHEN"}, {"WHERE"}};
  for (const auto& n : m.nodes) {
    if (n.policy)
      table.rows.push_back({"  " + n.name, "policy", ion::describe(*n.policy), "-", "-"});
    else
      table.rows.push_back({"  " + n.name, "pipeline", n.pipeline + controls(n),
                            ion::describe(n.schedule) + (n.schedule.missed == "skip" ? "" : ", missed: " + n.schedule.missed),
                            ion::describe(n.placement)});
  }
  print_table(env, table);
  env.out << "Edges:\n";
  if (m.edges.empty()) env.out << "  -\n";
  for (const auto& e : m.edges)
    env.out << "  " << e.from << " -> " << e.to << (e.on == "model" ? "" : " (" + ion::describe(e) + ")") << "\n";
  return 0;
}

}  // namespace

Action setup_ion_describe(Args& args) {
  auto o = std::make_shared<DescribeOptions>();
  args.positional("name", o->name, "NAME", "ION name");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
