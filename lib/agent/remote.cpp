#include "agent/remote.hpp"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "agent/link.hpp"
#include "agent/replica.hpp"
#include "agent/spool.hpp"
#include "runtime/agent.hpp"
#include "runtime/run.hpp"
#include "stats/series.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::agent {

using nlohmann::json;

namespace {

constexpr size_t kBatchItems = 5000, kBatchBytes = 4 << 20;
constexpr int64_t kFlushMs = 240;  // a multiple of the 20 ms wait step

}  // namespace

struct RemoteAgent::Impl {
  AgentConfig config;
  const util::Clock& clock;
  std::function<void(const std::string&)> say;
  std::unique_ptr<Link> link;
  std::unique_ptr<runtime::Agent> agent;
  std::atomic<int> stops{0};
  std::string etag;
  bool registered = false, cancel_on_stop = true;
  std::atomic<bool> reachable{true};  // read by /metrics too
  int64_t backoff_ms = 0;
  std::mt19937_64 rng{std::random_device{}()};

  // Runs the server asked for, each on its own thread with its own catalog connection (as the
  // runtime's scheduled runs are); `ended` holds those whose end the link loop has to report.
  struct Requested {
    int64_t id = 0;
    runtime::RunControl control;
    std::thread thread;
  };
  std::mutex requests_mutex;
  std::vector<std::unique_ptr<Requested>> requested;
  std::vector<std::pair<int64_t, std::string>> ended;
  std::atomic<int> outstanding{0};  // started, and not yet in the spool as ended
  // What /metrics tells of the link, as the link loop last saw it.
  std::atomic<int64_t> spool_items{0}, spool_bytes{0}, spool_dropped{0}, last_sync_ms{0};
  int64_t pruned_ms = 0;

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
    json assignment = json::parse(r.body);
    apply_assignment(replica, assignment, link, config.name, clock.now_ms(), say);
    etag = r.header("etag");
    if (assignment.contains("cancels"))
      for (const auto& k : assignment.at("cancels")) cancel(replica, k.at("run"), k.at("by"));
    if (assignment.contains("requests") && stops == 0)  // a stopping agent starts nothing new
      for (const auto& q : assignment.at("requests"))
        if (spool.claim_request(q.at("id").get<int64_t>())) start_request(replica.root(), q);
  }

  // A run of ours someone asked the server to stop: its runner here sees the request within a tick.
  void cancel(store::Store& replica, const std::string& run, const std::string& by) {
    try {
      auto r = runtime::get_run(replica, run);
      if (r.status != "running" || !r.cancel_requested_by.empty()) return;
      runtime::request_cancel(replica, run, by, clock.now_ms());
      say("run/" + run + ": cancel requested by " + by);
    } catch (const util::Error& e) {
      say("agent/" + config.name + ": cannot cancel run/" + run + ": " + e.what());
    }
  }

  void start_request(const std::string& root, const json& q) {
    auto req = std::make_unique<Requested>();
    req->id = q.at("id").get<int64_t>();
    std::string ion = q.at("ion"), node = q.at("node"), by = q.at("requestedBy");
    say("agent/" + config.name + ": " + ion + "/" + node + " to run now, as " + by + " asked");
    Requested* self = req.get();
    outstanding++;
    req->thread = std::thread([this, self, root, ion, node, by] {
      std::string run;
      try {
        store::Store st(root, store::Store::Open::existing);
        runtime::RunRequest rr{ion, node, by, &clock, runtime::caller_environment(), &self->control, config.name};
        auto r = runtime::run_node(st, rr);
        run = r.id;
        say("run/" + r.id + " " + r.status + " (" + ion + "/" + node + ": " + r.outcome + ")");
      } catch (const std::exception& e) {
        say("agent/" + config.name + ": " + ion + "/" + node + " could not run: " + e.what());
      }
      std::lock_guard<std::mutex> lock(requests_mutex);
      ended.emplace_back(self->id, run);
    });
    std::lock_guard<std::mutex> lock(requests_mutex);
    requested.push_back(std::move(req));
  }

  // Requested runs that ended, their threads (done but for returning) joined. Taken before a
  // fill, which then takes in their runs' last records, so their ends are reported after those.
  std::vector<std::pair<int64_t, std::string>> take_ended() {
    std::vector<std::pair<int64_t, std::string>> now;
    std::vector<std::unique_ptr<Requested>> done;
    {
      std::lock_guard<std::mutex> lock(requests_mutex);
      now.swap(ended);
      for (const auto& [id, run] : now)
        for (auto it = requested.begin(); it != requested.end(); ++it)
          if ((*it)->id == id) {
            done.push_back(std::move(*it));
            requested.erase(it);
            break;
          }
    }
    for (auto& r : done)
      if (r->thread.joinable()) r->thread.join();
    return now;
  }

  void stop_requests(bool cancel) {
    std::vector<std::unique_ptr<Requested>> all;
    {
      std::lock_guard<std::mutex> lock(requests_mutex);
      all.swap(requested);
    }
    for (auto& r : all) {
      if (cancel) r->control.cancel("the agent is stopping");
      if (r->thread.joinable()) r->thread.join();
    }
  }

  void send(store::Store& replica, Spool& spool, Link& link) {
    for (;;) {
      auto ended_now = take_ended();
      if (int64_t dropped = spool.fill(replica, clock.now_ms()))
        say("agent/" + config.name + ": spool full (" + std::to_string(config.spool_max_bytes) + " bytes): " +
            std::to_string(dropped) + " stat points dropped (overflow: " + config.overflow + ")");
      for (const auto& [id, run] : ended_now) {
        spool.finish_request(id, run);
        outstanding--;
      }
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

  // /metrics, plain HTTP where the config says: the replica's runs, models and health, the spool
  // and how the server answers. One thread; each scrape opens the replica on its own.
  std::unique_ptr<httplib::Server> metrics_server(const std::string& root) {
    auto s = std::make_unique<httplib::Server>();
    s->new_task_queue = [] { return new httplib::ThreadPool(1); };
    s->Get("/metrics", [this, root](const httplib::Request&, httplib::Response& res) {
      api::Exposition out;
      {
        store::Store replica(root, store::Store::Open::existing);
        api::store_metrics(replica, out);
      }
      out.family("mlops_agent_spool_items", "gauge", "Items in the spool waiting for the server.");
      out.sample("mlops_agent_spool_items", {}, static_cast<double>(spool_items.load()));
      out.family("mlops_agent_spool_bytes", "gauge", "Bytes the spool holds.");
      out.sample("mlops_agent_spool_bytes", {}, static_cast<double>(spool_bytes.load()));
      out.family("mlops_agent_spool_dropped_total", "counter", "Stat points the spool's overflow policy dropped.");
      out.sample("mlops_agent_spool_dropped_total", {}, static_cast<double>(spool_dropped.load()));
      out.family("mlops_agent_server_reachable", "gauge", "1 when the last round with the server succeeded.");
      out.sample("mlops_agent_server_reachable", {}, reachable ? 1 : 0);
      out.family("mlops_agent_last_sync_timestamp_seconds", "gauge", "When a round with the server last succeeded.");
      out.sample("mlops_agent_last_sync_timestamp_seconds", {}, static_cast<double>(last_sync_ms.load()) / 1000);
      link->latencies.write(out, "mlops_agent_request_duration_seconds",
                            "Time the server took to answer this agent, by method, route and status class.");
      res.set_content(out.text(), "text/plain; version=0.0.4; charset=utf-8");
    });
    int port = config.metrics_port;
    bool bound = port ? s->bind_to_port(config.metrics_host, port) : (port = s->bind_to_any_port(config.metrics_host)) > 0;
    if (!bound)
      throw util::Error(util::Exit::error, "cannot serve metrics on " + config.metrics_host + ":" +
                                               std::to_string(config.metrics_port) + ": the address is taken or not this machine's");
    say("agent/" + config.name + ": metrics on http://" + config.metrics_host + ":" + std::to_string(port) + "/metrics");
    return s;
  }

  void link_loop(store::Store& replica) {
    Spool spool(config.data_dir + "/spool.db", config.spool_max_bytes, config.overflow);
    // Requested runs claimed before a restart ended with the process that ran them.
    for (int64_t id : spool.unfinished_requests()) spool.finish_request(id, "");
    // After a stop, the loop goes on while requested runs are going and the server answers, so
    // their ends are reported (a stop cancels them, or lets them finish: see run()).
    while (stops == 0 || (outstanding > 0 && reachable)) {
      try {
        sync(replica, spool, *link);
        last_sync_ms = clock.now_ms();
        // The replica's stats are for /metrics and health here; the server has the history.
        if (last_sync_ms - pruned_ms >= 3600000) {
          pruned_ms = last_sync_ms;
          stats::prune(replica, last_sync_ms - config.stats_retention_ms);
        }
        if (!reachable) say("agent/" + config.name + ": server " + config.server + " reachable again");
        reachable = true;
        backoff_ms = 0;
      } catch (const std::exception& e) {
        if (reachable) say("agent/" + config.name + ": " + e.what() + " (retrying with back-off)");
        reachable = false;
        backoff_ms = std::min(config.max_backoff_ms, std::max<int64_t>(config.poll_ms, backoff_ms * 2));
      }
      // Once a poll (counting is a scan of the spool): what /metrics says of it.
      try {
        auto st = spool.status();
        spool_items = st.items;
        spool_bytes = st.bytes;
        spool_dropped = st.dropped;
      } catch (const std::exception&) {
      }
      for (int64_t waited = 0, wait = stops ? 200 : next_wait_ms(); waited < wait; waited += 20) {
        if (stops != 0 && (outstanding == 0 || waited >= 200)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        // Between polls, what runs report goes out every quarter second ('stats tail -f' through
        // the server sees a point within a second); with nothing new, no request is made.
        if (reachable && waited % kFlushMs == 0) {
          try {
            send(replica, spool, *link);
          } catch (const std::exception&) {
            // The next poll says what is wrong, and backs off.
          }
        }
      }
    }
  }
};

RemoteAgent::RemoteAgent(AgentConfig config, const util::Clock& clock, std::function<void(const std::string&)> say,
                         bool cancel_on_stop)
    : impl_(std::make_unique<Impl>(std::move(config), clock, std::move(say))) {
  impl_->cancel_on_stop = cancel_on_stop;
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
  std::unique_ptr<httplib::Server> metrics;
  std::thread serving;
  std::atomic<bool> served{false};
  if (!impl_->config.metrics_host.empty()) {
    metrics = impl_->metrics_server(root);
    serving = std::thread([&] {
      metrics->listen_after_bind();
      served = true;
    });
  }
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
  impl_->stop_requests(impl_->cancel_on_stop);
  link.join();
  impl_->stop_requests(impl_->cancel_on_stop);  // any the link started while the stop came in
  if (metrics) {
    // httplib ignores a stop before its loop runs: wait for the loop (or its end) first.
    while (!metrics->is_running() && !served) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    metrics->stop();
    serving.join();
  }
  if (failed) std::rethrow_exception(failed);
}

void RemoteAgent::stop() {
  impl_->stops++;
  impl_->agent->stop();
}

}  // namespace mlops::agent
