// mlops run logs ID [-f]: a run's stdout and stderr; with -f, keep printing what it writes until it ends.
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "runtime/run.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace {

struct LogsOptions {
  std::string id;
  bool follow = false;
};

// Prints what the log gained since `offset`; returns the new offset.
uint64_t drain(Client& client, const std::string& id, uint64_t offset, std::ostream& out) {
  std::string text = client.read_log(id, offset);
  out << text << std::flush;
  return offset + text.size();
}

int logs(const LogsOptions& o, Env& env) {
  auto& client = env.client();
  auto r = client.get_run(o.id);
  uint64_t offset = drain(client, r.id, 0, env.out);
  // Follow until the run is over, then print the rest: nothing written before the end is missed
  // (through a server too: an agent sends what a run wrote before the record saying it ended).
  while (o.follow && r.status == "running") {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    r = client.get_run(o.id);
    offset = drain(client, r.id, offset, env.out);
  }
  if (o.follow) drain(client, r.id, offset, env.out);
  return 0;
}

}  // namespace

Action setup_run_logs(Args& args) {
  auto o = std::make_shared<LogsOptions>();
  args.positional("id", o->id, "ID", "run id");
  args.flag("-f,--follow", o->follow, "keep printing new output until the run ends");
  return [o](Env& env) { return logs(*o, env); };
}

}  // namespace mlops::cli
