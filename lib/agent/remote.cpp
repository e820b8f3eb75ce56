#include "agent/remote.hpp"

#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "agent/link.hpp"
#include "agent/replica.hpp"
#include "agent/spool.hpp"
#include "runtime/agent.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::agent {

using nlohmann::json;

namespace {

constexpr size_t kBatchItems = 5000, kBatchBytes = 4 << 20;

}  // namespace

struct RemoteAgent::Impl {
  AgentConfig config;
  const util::Clock& clock;
  std::function<void(const std::string&)> say;
  std::unique_ptr<Link> link;
  std::unique_ptr<runtime::Agent> agent;
  std::atomic<int> stops{0};
  std::string etag;
  bool registered = false, reachable = true;
  int64_t backoff_ms = 0;
  std::mt19937_64 rng{std::random_device{}()};

  // The runtime's loop and the link loop both report: one line at a time.
  Impl(AgentConfig c, const util::Clock& k, std::function<void(const std::string&)> s)
      : config(std::move(c)), clock(k), say([this, s = std::move(s)](const std::string& line) {
          std::lock_guard<std::mutex> lock(say_mutex);
          s(line);
        }) {}
  std::mutex say_mutex;

  // One round with the server: say who we are (once), send the spool, poll the assignment.
  void sync(store::Store& replica, Spool& spool, Link& link) {
    if (!registered) {
      json engines = config.engines;
      link.call("PUT", "/api/v1/agents/" + config.name,
                {{"labels", config.labels}, {"engines", engines}, {"version", MLOPS_VERSION}});
      registered = true;
    }
    send(replica, spool, link);
    std::vector<std::string> headers;
    if (!etag.empty()) headers.push_back("If-None-Match: " + etag);
    auto r = link.request("GET", "/api/v1/agents/" + config.name + "/assignment", "", headers);
    if (r.status == 304) return;
    if (r.status != 200) throw util::Error(util::Exit::error, describe_answer("GET assignment", r));
    apply_assignment(replica, json::parse(r.body), link, config.name, clock.now_ms(), say);
    etag = r.header("etag");
  }

  void send(store::Store& replica, Spool& spool, Link& link) {
    for (;;) {
      if (int64_t dropped = spool.fill(replica, clock.now_ms()))
        say("agent/" + config.name + ": spool full (" + std::to_string(config.spool_max_bytes) + " bytes): " +
            std::to_string(dropped) + " stat points dropped (overflow: " + config.overflow + ")");
      auto items = spool.peek(kBatchItems, kBatchBytes);
      if (items.empty()) return;
      auto r = link.request("POST", "/api/v1/agents/" + config.name + "/spool", Spool::batch(items));
      json body = json::parse(r.body, nullptr, false);
      if (r.status == 409 && body.is_object() && body.contains("missing")) {
        // A run's model: its blobs go first, then the batch again (what was applied is acked).
        if (body.contains("acked")) spool.ack(body["acked"].get<int64_t>());
        uint64_t sent = 0;
        for (const auto& d : body["missing"]) sent += link.upload_blob(replica, d.get<std::string>().substr(7));
        say("agent/" + config.name + ": uploaded " + std::to_string(body["missing"].size()) + " blobs (" +
            std::to_string(sent) + " bytes sent)");
        continue;
      }
      if (r.status != 200 || !body.is_object() || !body.contains("acked"))
        throw util::Error(util::Exit::error, describe_answer("POST spool", r));
      spool.ack(body["acked"].get<int64_t>());
      if (items.size() < kBatchItems) return;
    }
  }

  int64_t next_wait_ms() {
    // Jitter of +-10% keeps a fleet that restarted together from polling in step.
    int64_t base = backoff_ms ? backoff_ms : config.poll_ms;
    std::uniform_int_distribution<int64_t> jitter(-base / 10, base / 10);
    return std::max<int64_t>(50, base + jitter(rng));
  }

  void link_loop(store::Store& replica) {
    Spool spool(config.data_dir + "/spool.db", config.spool_max_bytes, config.overflow);
    while (stops == 0) {
      try {
        sync(replica, spool, *link);
        if (!reachable) say("agent/" + config.name + ": server " + config.server + " reachable again");
        reachable = true;
        backoff_ms = 0;
      } catch (const std::exception& e) {
        if (reachable) say("agent/" + config.name + ": " + e.what() + " (retrying with back-off)");
        reachable = false;
        backoff_ms = std::min(config.max_backoff_ms, std::max<int64_t>(config.poll_ms, backoff_ms * 2));
      }
      for (int64_t waited = 0, wait = next_wait_ms(); waited < wait && stops == 0; waited += 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
};

RemoteAgent::RemoteAgent(AgentConfig config, const util::Clock& clock, std::function<void(const std::string&)> say,
                         bool cancel_on_stop)
    : impl_(std::make_unique<Impl>(std::move(config), clock, std::move(say))) {
  auto& c = impl_->config;
  impl_->link = std::make_unique<Link>(c);  // missing credentials fail here, before anything runs
  util::make_dirs(c.data_dir);
  { store::Store create(c.data_dir + "/store", store::Store::Open::create); }
  runtime::AgentOptions opts;
  opts.identity.name = c.name;
  opts.identity.labels = c.labels;
  opts.actor = c.name;
  opts.base_env = runtime::caller_environment();
  opts.cancel_on_stop = cancel_on_stop;
  impl_->agent = std::make_unique<runtime::Agent>(c.data_dir + "/store", opts, clock, impl_->say);
}

RemoteAgent::~RemoteAgent() = default;

void RemoteAgent::run() {
  std::string root = impl_->config.data_dir + "/store";
  std::exception_ptr failed;
  std::thread link([this, root, &failed] {
    try {
      store::Store replica(root, store::Store::Open::existing);
      impl_->link_loop(replica);
    } catch (...) {
      failed = std::current_exception();
      impl_->agent->stop();
    }
  });
  impl_->agent->run();
  impl_->stops++;
  link.join();
  if (failed) std::rethrow_exception(failed);
}

void RemoteAgent::stop() {
  impl_->stops++;
  impl_->agent->stop();
}

}  // namespace mlops::agent
