// mlops run cancel ID [--no-wait]: stop a running run, from any terminal. Its runner (ion run or the
// agent) sees the request within a quarter second and stops the whole process tree.
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/run_common.hpp"
#include "runtime/run.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct CancelOptions {
  std::string id;
  bool no_wait = false;
};

int cancel(const CancelOptions& o, Env& env) {
  auto& client = env.client();
  auto r = client.cancel_run(o.id);
  // Wait for the runner to confirm, so that a script's next command sees the run ended.
  for (int i = 0; !o.no_wait && r.status == "running" && i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    r = client.get_run(o.id);
  }
  if (!o.no_wait && r.status == "running")
    throw util::Error(util::Exit::timed_out, "run '" + r.id + "' is still running 30s after the cancel request",
                      "its runner may be stuck; see 'mlops run show " + r.id + "'");
  std::string verb = r.status == "running" ? "cancel requested" : r.status;
  print_result(env, document("Run", run_json(r)), {"run/" + r.id},
               {"run/" + r.id + " " + verb});
  return 0;
}

}  // namespace

Action setup_run_cancel(Args& args) {
  auto o = std::make_shared<CancelOptions>();
  args.positional("id", o->id, "ID", "run id");
  args.flag("--no-wait", o->no_wait, "return once the request is recorded, before the run has stopped");
  return [o](Env& env) { return cancel(*o, env); };
}

}  // namespace mlops::cli
