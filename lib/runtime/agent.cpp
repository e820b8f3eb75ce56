#include "runtime/agent.hpp"

#include <algorithm>
#include <thread>

#include "ion/registry.hpp"
#include "runtime/flow.hpp"

namespace mlops::runtime {

namespace {

constexpr int64_t kServiceBackoffMinMs = 1000, kServiceBackoffMaxMs = 60000;

std::string result_line(const RunRecord& r) {
  return "run/" + r.id + " " + r.status + " (" + r.ion + "/" + r.node + ": " + r.outcome + ")" +
         (r.model.empty() ? "" : " -> model/" + r.model);
}

}  // namespace

struct Agent::Active {
  std::string key, ion, node;
  bool service = false;
  int64_t started_ms = 0;
  RunControl control;
  std::thread thread;
  std::atomic<bool> done{false};
  RunRecord result;
  std::vector<FlowEvent> flows;
  std::string error;
};

Agent::Agent(std::string store_root, AgentOptions options, const util::Clock& clock,
             std::function<void(const std::string&)> say)
    : root_(std::move(store_root)), options_(std::move(options)), clock_(clock), say_(std::move(say)) {}

Agent::~Agent() {
  for (auto& a : active_) {
    a->control.cancel("agent " + options_.identity.name + " (stopping)");
    if (a->thread.joinable()) a->thread.join();
  }
}

void Agent::stop() {
  if (++stops_ > 1) {
    std::lock_guard lock(mutex_);
    for (auto& a : active_) a->control.cancel("agent " + options_.identity.name + " (stopping)");
  }
}

std::set<std::string> Agent::running_keys() {
  std::lock_guard lock(mutex_);
  std::set<std::string> keys;
  for (const auto& a : active_)
    if (!a->done) keys.insert(a->key);
  return keys;
}

void Agent::start(store::Store& store, const Trigger& t) {
  std::string key = node_key(t.ion, t.node);
  auto manifest = ion::load_revision(ion::current_revision(store, t.ion));
  const ion::Node* node = manifest.find(t.node);
  if (!node) return;
  bool service = node->mode == "service";
  if (service && clock_.now_ms() < service_next_ms_[key]) return;
  std::vector<Active*> same;
  {
    std::lock_guard lock(mutex_);
    for (auto& a : active_)
      if (a->key == key && !a->done) same.push_back(a.get());
  }
  if (!same.empty() && node->concurrency == "forbid") {
    // A model that arrives meanwhile is not dropped: the newest one starts a run when this one ends.
    if (node->schedule.kind == "model") {
      say_(key + ": " + t.reason + ", queued until the running one ends (concurrency: forbid)");
      queued_[key] = t;
      return;
    }
    say_(key + ": " + t.reason + " skipped, a run is still going (concurrency: forbid)");
    return;
  }
  if (node->concurrency == "replace" && !same.empty()) {
    for (auto* a : same) a->control.cancel("agent " + options_.identity.name + " (concurrency: replace)");
    // The old run ends first (its grace period is bounded), so a service can take its port.
    for (int i = 0; i < 1000 && std::any_of(same.begin(), same.end(), [](Active* a) { return !a->done; }); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string missed;
  if (t.missed && node->schedule.missed == "run-one") missed = ", once for " + std::to_string(t.missed + 1) + " missed slots";
  else if (t.missed) missed = ", " + std::to_string(t.missed) + " missed slots skipped";
  say_(key + ": started (" + t.reason + missed + ")");
  auto active = std::make_unique<Active>();
  Active* a = active.get();
  a->key = key;
  a->ion = t.ion;
  a->node = t.node;
  a->service = service;
  a->started_ms = clock_.now_ms();
  a->thread = std::thread([this, a] {
    try {
      // SQLite connections are not for sharing between threads that each hold transactions.
      store::Store own(root_, store::Store::Open::existing);
      RunRequest req{a->ion, a->node, options_.actor, &clock_, options_.base_env, &a->control, options_.identity.name};
      a->result = run_node(own, req);
      if (!a->result.model.empty()) {
        auto m = ion::load_revision(ion::current_revision(own, a->ion));
        a->flows = propagate(own, m, a->node, a->result.model, clock_.now_ms());
      }
    } catch (const std::exception& e) {
      a->error = e.what();
    }
    a->done = true;
  });
  std::lock_guard lock(mutex_);
  active_.push_back(std::move(active));
}

void Agent::reap() {
  std::vector<std::unique_ptr<Active>> ended;
  {
    std::lock_guard lock(mutex_);
    auto it = std::stable_partition(active_.begin(), active_.end(), [&](auto& a) { return !a->done; });
    ended.insert(ended.end(), std::make_move_iterator(it), std::make_move_iterator(active_.end()));
    active_.erase(it, active_.end());
  }
  for (auto& a : ended) {
    a->thread.join();
    if (!a->error.empty()) say_(a->key + ": could not run: " + a->error);
    else say_(result_line(a->result));
    for (const auto& f : a->flows) say_(describe(f));
    if (a->service) {
      // A service that ends is started again, sooner when it had run for a while.
      int64_t now = clock_.now_ms();
      int64_t& backoff = service_backoff_ms_[a->key];
      backoff = now - a->started_ms > kServiceBackoffMaxMs ? kServiceBackoffMinMs
                                                           : std::clamp(backoff * 2, kServiceBackoffMinMs, kServiceBackoffMaxMs);
      service_next_ms_[a->key] = now + backoff;
    }
  }
}

void Agent::run() {
  store::Store store(root_, store::Store::Open::existing);
  Scheduler scheduler(options_.identity, options_.ions);
  say_("agent/" + options_.identity.name + " started");
  for (const auto& r : end_orphaned_runs(store, clock_.now_ms()))
    say_("run/" + r.id + " failed (" + r.ion + "/" + r.node + ": " + r.outcome + ")");
  while (stops_ == 0) {
    reap();
    std::vector<Trigger> due;
    try {
      due = scheduler.poll(store, clock_.now_ms(), running_keys());
    } catch (const std::exception& e) {
      // A catalog busy for too long, or a revision that no longer loads: say so, try again next poll.
      say_("agent/" + options_.identity.name + ": cannot schedule: " + e.what());
    }
    auto running = running_keys();
    for (auto it = queued_.begin(); it != queued_.end();) {
      if (running.count(it->first)) {
        ++it;
        continue;
      }
      due.push_back(it->second);
      it = queued_.erase(it);
    }
    for (const auto& t : due) {
      if (!t.start) {
        say_(node_key(t.ion, t.node) + ": " + std::to_string(t.missed) + " missed slots skipped (missed: skip)");
        continue;
      }
      try {
        start(store, t);
      } catch (const std::exception& e) {
        say_(node_key(t.ion, t.node) + ": could not start: " + e.what());
      }
    }
    for (int64_t slept = 0; slept < options_.poll_ms && stops_ == 0; slept += 20)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  say_("agent/" + options_.identity.name + " stopping");
  {
    std::lock_guard lock(mutex_);
    for (auto& a : active_)
      if (options_.cancel_on_stop || a->service) a->control.cancel("agent " + options_.identity.name + " (stopping)");
  }
  while (!running_keys().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  reap();
  say_("agent/" + options_.identity.name + " stopped");
}

}  // namespace mlops::runtime
