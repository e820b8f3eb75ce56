// The local agent: runs the pipeline nodes placed on it as the scheduler says, until stopped. Each
// run has its own thread and catalog connection; models produced travel their ION's edges when the
// run ends, which may start 'on: model' nodes at the next poll. Concurrency per node: forbid skips a
// trigger while a run is going (a model delivered meanwhile waits, the newest one, for the run to
// end), allow starts another, replace cancels the running one and starts once it has ended.
// Services are restarted with a doubling back-off when they end.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/run.hpp"
#include "runtime/scheduler.hpp"
#include "util/time.hpp"

namespace mlops::runtime {

struct AgentOptions {
  AgentIdentity identity;
  std::vector<std::string> ions;  // empty: every ION
  bool cancel_on_stop = true;     // false: let running batch runs finish (services are always stopped)
  std::string actor;
  std::map<std::string, std::string> base_env;
  int64_t poll_ms = 200;
};

class Agent {
 public:
  // `say` receives one line per thing that happened ("run/ID started (ion/node: every 2s)").
  Agent(std::string store_root, AgentOptions options, const util::Clock& clock, std::function<void(const std::string&)> say);
  ~Agent();

  // Runs until stop() is called, then waits for (or cancels) the runs still going.
  void run();
  // Safe from any thread (a signal-handling one). A second call cancels whatever still runs.
  void stop();

 private:
  struct Active;
  void start(store::Store& store, const Trigger& t);
  void reap();
  std::set<std::string> running_keys();

  std::string root_;
  AgentOptions options_;
  const util::Clock& clock_;
  std::function<void(const std::string&)> say_;
  std::atomic<int> stops_{0};
  std::mutex mutex_;
  std::vector<std::unique_ptr<Active>> active_;
  std::map<std::string, int64_t> service_backoff_ms_, service_next_ms_;
  std::map<std::string, Trigger> queued_;  // on: model triggers held by forbid, newest per node
};

}  // namespace mlops::runtime
