#include "runtime/run.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>

#include "util/error.hpp"

extern char** environ;

namespace mlops::runtime {

using nlohmann::json;
using store::Stmt;
using util::Error;
using util::Exit;

namespace {

RunRecord read_row(const Stmt& s) {
  RunRecord r;
  r.id = s.text(0);
  r.ion = s.text(1);
  r.node = s.text(2);
  r.pipeline = s.text(3);
  r.status = s.text(4);
  r.outcome = s.text(5);
  r.args = json::parse(s.text(6)).get<std::map<std::string, std::string>>();
  r.model = s.text(7);
  r.started_ms = s.integer(8);
  r.finished_ms = s.is_null(9) ? 0 : s.integer(9);
  r.actor = s.text(10);
  r.model_in = s.text(11);
  r.attempts = s.integer(12);
  r.cancel_requested_by = s.text(13);
  r.spark_state = s.text(14);
  r.spark_app = s.text(15);
  return r;
}

const char* const kColumns =
    "id, ion, node, pipeline, status, outcome, args, model, started_ms, finished_ms, actor, model_in, attempts, "
    "cancel_requested_by, spark_state, spark_app";

}  // namespace

std::string new_run_id(int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", static_cast<unsigned>(rng() & 0xffffff));
  return std::string("r") + stamp + "-" + suffix;
}


std::string model_name(const std::string& ion, const std::string& node) { return ion + "." + node; }

std::string run_dir(const store::Store& store, const std::string& id) { return store.root() + "/runs/" + id; }

std::map<std::string, std::string> caller_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("MLOPS_", 0) != 0) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

void save_run(store::Store& store, const RunRecord& r, bool insert) {
  Stmt s(store.catalog().handle(),
         insert ? "INSERT INTO runs(status, outcome, model, model_in, finished_ms, attempts, runner_pid, spark_state, "
                  "spark_app, id, ion, node, pipeline, args, started_ms, actor) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "UPDATE runs SET status = ?, outcome = ?, model = ?, model_in = ?, finished_ms = ?, attempts = ?, "
                  "runner_pid = ?, spark_state = ?, spark_app = ? WHERE id = ?");
  s.bind(1, r.status).bind(2, r.outcome).bind(3, r.model).bind(4, r.model_in);
  r.finished_ms ? s.bind(5, r.finished_ms) : s.bind_null(5);
  s.bind(6, r.attempts).bind(7, static_cast<int64_t>(r.finished_ms ? 0 : ::getpid()));
  s.bind(8, r.spark_state).bind(9, r.spark_app).bind(10, r.id);
  if (insert)
    s.bind(11, r.ion).bind(12, r.node).bind(13, r.pipeline).bind(14, json(r.args).dump()).bind(15, r.started_ms).bind(16, r.actor);
  s.run();
}

void set_run_process(store::Store& store, const std::string& id, int64_t process_group) {
  Stmt s(store.catalog().handle(), "UPDATE runs SET process_group = ? WHERE id = ?");
  s.bind(1, process_group).bind(2, id).run();
}

std::string cancel_request(store::Store& store, const std::string& id) {
  Stmt s(store.catalog().handle(), "SELECT cancel_requested_by FROM runs WHERE id = ?");
  s.bind(1, id);
  return s.step() ? s.text(0) : "";
}

RunRecord request_cancel(store::Store& store, const std::string& id, const std::string& actor, int64_t now_ms) {
  RunRecord r = get_run(store, id);
  if (r.status != "running") throw Error(Exit::error, "run '" + id + "' is not running: it " + (r.status == "cancelled" ? "was cancelled" : r.status));
  int64_t runner = 0, group = 0;
  {
    Stmt s(store.catalog().handle(), "SELECT runner_pid, process_group FROM runs WHERE id = ?");
    s.bind(1, id);
    if (s.step()) runner = s.integer(0), group = s.integer(1);
  }
  Stmt s(store.catalog().handle(), "UPDATE runs SET cancel_requested_by = ? WHERE id = ? AND status = 'running'");
  s.bind(1, actor).bind(2, id).run();
  bool runner_alive = runner > 0 && (::kill(static_cast<pid_t>(runner), 0) == 0 || errno == EPERM);
  if (!runner_alive) {
    // Nobody is left to see the request: end what the run started, and the run.
    if (group > 0) ::kill(-static_cast<pid_t>(group), SIGKILL);
    r.status = "cancelled";
    r.outcome = "cancelled by " + actor + " (its runner had gone)";
    r.finished_ms = now_ms;
    save_run(store, r, false);
  }
  r.cancel_requested_by = actor;
  return r;
}

std::vector<RunRecord> end_orphaned_runs(store::Store& store, int64_t now_ms) {
  struct Found {
    std::string id;
    int64_t runner, group;
  };
  std::vector<Found> found;
  {
    Stmt s(store.catalog().handle(), "SELECT id, runner_pid, process_group FROM runs WHERE status = 'running'");
    while (s.step()) found.push_back({s.text(0), s.integer(1), s.integer(2)});
  }
  std::vector<RunRecord> ended;
  for (const auto& f : found) {
    if (f.runner <= 0 || ::kill(static_cast<pid_t>(f.runner), 0) == 0 || errno == EPERM) continue;
    if (f.group > 0) ::kill(-static_cast<pid_t>(f.group), SIGKILL);
    RunRecord r = get_run(store, f.id);
    r.status = "failed";
    r.outcome = "lost: its runner (pid " + std::to_string(f.runner) + ") ended while it ran";
    r.finished_ms = now_ms;
    save_run(store, r, false);
    ended.push_back(r);
  }
  return ended;
}

void RunControl::cancel(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return;
  cancelled_ = true;
  why_ = why;
  if (process_) process_->cancel();
  wake_.notify_all();
}

bool RunControl::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::string RunControl::why() const {
  std::lock_guard lock(mutex_);
  return why_;
}

void RunControl::attach(engine::Process* process) {
  std::lock_guard lock(mutex_);
  process_ = process;
  if (cancelled_ && process_) process_->cancel();
}

void RunControl::detach() {
  std::lock_guard lock(mutex_);
  process_ = nullptr;
}

bool RunControl::sleep_for(int64_t ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return cancelled_; });
  return !cancelled_;
}

std::vector<StatSummary> run_stats(store::Store& store, const std::string& id) {
  Stmt s(store.catalog().handle(),
         "SELECT name, source, count(*), (SELECT value FROM stats l WHERE l.run = s.run AND l.name = s.name AND "
         "l.source = s.source ORDER BY id DESC LIMIT 1) FROM stats s WHERE run = ? GROUP BY name, source ORDER BY name");
  s.bind(1, id);
  std::vector<StatSummary> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2), s.real(3)});
  return out;
}

std::vector<RunRecord> list_runs(store::Store& store, const std::string& ion, const std::string& node) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM runs WHERE (? = '' OR ion = ?) AND (? = '' OR node = ?) "
                                                        "ORDER BY started_ms, id";
  Stmt s(store.catalog().handle(), sql);
  s.bind(1, ion).bind(2, ion).bind(3, node).bind(4, node);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

RunRecord get_run(store::Store& store, const std::string& id) {
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns + " FROM runs WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw Error(Exit::not_found, "no run with id '" + id + "'", "see 'mlops run list'");
  return read_row(s);
}

}  // namespace mlops::runtime
