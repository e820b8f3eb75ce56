// mlops agent run --config FILE: a remote agent (agent/remote.hpp) in the foreground, answering to
// the server its config names. mlops agent run --local: the local agent in the foreground. It runs the pipeline nodes placed on it
// (no placement, its --name, or selectors its --label values match) on their schedules and
// triggers, keeps services up, and prints one line per thing that happens. SIGINT or SIGTERM stops
// it (and SIGHUP): running batch runs are cancelled (or, with --on-stop finish, allowed to end); a second signal
// cancels whatever still runs.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "agent/remote.hpp"
#include "cli/commands.hpp"
#include "ion/registry.hpp"
#include "runtime/agent.hpp"
#include "runtime/webhooks.hpp"
#include "store/catalog.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct AgentOptions {
  bool local = false;
  std::string config;
  std::string name = "local";
  std::vector<std::string> labels, ions;
  std::string on_stop = "cancel";
};

// Signals are taken by one thread with sigwait, before any other thread exists, so none of the
// run threads is interrupted; the children get an empty mask of their own (engine/process).
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // the terminal went away: stop as cleanly as for ^C
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

template <typename Agent>
void run_until_signalled(Agent& agent) {
  sigset_t set = block_stop_signals();
  ::signal(SIGPIPE, SIG_IGN);  // 'agent run | head' must not kill the agent and orphan its runs
  std::thread signals([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0 || sig == SIGUSR2) return;
      agent.stop();
    }
  });
  try {
    agent.run();
  } catch (...) {
    pthread_kill(signals.native_handle(), SIGUSR2);
    signals.join();
    throw;
  }
  pthread_kill(signals.native_handle(), SIGUSR2);
  signals.join();
}

int run(const AgentOptions& o, Env& env) {
  if (o.local == !o.config.empty())
    throw util::Error(util::Exit::usage, "'agent run' needs one of --local and --config FILE",
                      "--config runs an agent of a server (see 'mlops agent join'), --local one of this machine's store");
  if (o.on_stop != "cancel" && o.on_stop != "finish")
    throw util::Error(util::Exit::usage, "invalid --on-stop '" + o.on_stop + "': use cancel or finish");
  std::mutex say_mutex;  // the webhook thread says things too
  auto say = [&](const std::string& line) {
    if (env.global.quiet) return;
    std::lock_guard<std::mutex> lock(say_mutex);
    env.out << line << "\n";
    env.out.flush();
  };
  if (!o.config.empty()) {
    // An agent lives long on small devices and allocates little: one malloc arena for every
    // thread instead of one per core and thread keeps it smaller (0.6 MB of an idle agent).
    ::mallopt(M_ARENA_MAX, 1);
    if (!store::small_footprint()) throw util::Error(util::Exit::error, "internal: SQLite was set up before the agent");
    agent::RemoteAgent remote(agent::load_agent_config(o.config), env.clock, say, o.on_stop == "cancel");
    run_until_signalled(remote);
    return 0;
  }
  runtime::AgentOptions opts;
  opts.identity.name = o.name;
  for (const auto& l : o.labels) {
    auto eq = l.find('=');
    if (eq == std::string::npos || eq == 0)
      throw util::Error(util::Exit::usage, "invalid --label '" + l + "': use KEY=VALUE");
    opts.identity.labels[l.substr(0, eq)] = l.substr(eq + 1);
  }
  opts.ions = o.ions;
  auto& st = env.store();
  for (const auto& name : o.ions) ion::current_revision(st, name);  // unknown IONs fail now, with did-you-mean
  opts.cancel_on_stop = o.on_stop == "cancel";
  opts.actor = env.actor();
  opts.base_env = runtime::caller_environment();
  runtime::Agent agent(env.store_root(), opts, env.clock, say);
  // The IONs' webhooks (spec.webhooks) go out from here, once a second, on a connection of their
  // own; the thread starts with the stop signals blocked, so only the signal thread takes them.
  block_stop_signals();
  std::atomic<bool> done{false};
  std::thread hooks([&, root = env.store_root()] {
    try {
      store::Store own(root, store::Store::Open::existing);
      auto with_store = [&](const std::function<void(store::Store&)>& f) { f(own); };
      while (!done) {
        try {
          runtime::webhook_round(with_store, {}, env.clock.now_ms(), say);
        } catch (const std::exception& e) {
          say(std::string("mlops: webhooks: ") + e.what());
        }
        for (int i = 0; i < 20 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    } catch (const std::exception& e) {
      say(std::string("mlops: webhooks stopped: ") + e.what());
    }
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, hooks};
  run_until_signalled(agent);
  return 0;
}

}  // namespace

Action setup_agent_run(Args& args) {
  auto o = std::make_shared<AgentOptions>();
  args.flag("--local", o->local, "run against the local store, in the foreground");
  args.option("--config", o->config, "FILE", "run as an agent of a server, as FILE says (kind AgentConfig)");
  args.option("--name", o->name, "NAME", "this agent's name, for placements (default local)");
  args.option("--label", o->labels, "KEY=VALUE", "a label of this agent, for placement selectors (repeatable)");
  args.option("--ion", o->ions, "NAME", "only nodes of this ION (repeatable; default every ION)");
  args.option("--on-stop", o->on_stop, "MODE", "on SIGINT/SIGTERM: cancel running runs (default) or let them finish");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
