// run_node: one run of a pipeline node, from unpacking its bundle to pushing what it produced.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "engine/failure.hpp"
#include "engine/process.hpp"
#include "ion/registry.hpp"
#include "pipeline/archive.hpp"
#include "pipeline/manifest.hpp"
#include "pipeline/registry.hpp"
#include "runtime/collector.hpp"
#include "runtime/deploy.hpp"
#include "runtime/flow.hpp"
#include "runtime/health.hpp"
#include "runtime/run.hpp"
#include "runtime/sdk.hpp"
#include "runtime/spark_monitor.hpp"
#include "runtime/spark_step.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::runtime {

using util::Error;
using util::Exit;

namespace {

constexpr int64_t kTickMs = 250;
constexpr int64_t kMaxBackoffMs = 3600 * 1000;

// The process a RunControl may cancel, for exactly as long as it exists.
class Attached {
 public:
  Attached(RunControl* control, engine::Process& p) : control_(control) {
    if (control_) control_->attach(&p);
  }
  ~Attached() {
    if (control_) control_->detach();
  }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;

 private:
  RunControl* control_;
};

std::string env_name(const std::string& arg) {
  std::string out = "MLOPS_ARG_";
  for (char c : arg) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// What a producing run left in model-out: its single entry, or the directory when there are several.
std::string produced_model(const std::string& dir) {
  auto entries = util::list_dir(dir);
  if (entries.empty()) return "";
  return entries.size() == 1 ? dir + "/" + entries[0] : dir;
}

void append_log(const std::string& path, const std::string& line) {
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd.get() >= 0) util::write_all(fd.get(), line.data(), line.size(), path);
}

// The environment contract (see run.hpp): the caller's environment, the run's names and paths, the
// arguments, the SDK on PYTHONPATH and the pipeline's venv first in PATH.
std::map<std::string, std::string> contract_environment(const RunRequest& req, const RunRecord& r, const std::string& mode,
                                                        const std::string& venv_path, const std::string& dir) {
  std::map<std::string, std::string> env = req.base_env;
  env["MLOPS_RUN_ID"] = r.id;
  env["MLOPS_ION"] = r.ion;
  env["MLOPS_NODE"] = r.node;
  env["MLOPS_NODE_MODE"] = mode;
  env["MLOPS_PIPELINE"] = r.pipeline;
  env["MLOPS_WORKSPACE"] = dir + "/workspace";
  env["MLOPS_STATS"] = dir + "/stats.jsonl";
  env["MLOPS_TENSORBOARD_DIR"] = dir + "/tensorboard";
  for (const auto& [k, v] : r.args) env[env_name(k)] = v;
  auto pythonpath = env.find("PYTHONPATH");
  env["PYTHONPATH"] = dir + "/sdk" + (pythonpath != env.end() && !pythonpath->second.empty() ? ":" + pythonpath->second : "");
  if (!venv_path.empty()) {
    std::string venv = venv_path[0] == '/' ? venv_path : dir + "/workspace/" + venv_path;
    env["VIRTUAL_ENV"] = venv;
    auto path = env.find("PATH");
    env["PATH"] = venv + "/bin" + (path != env.end() && !path->second.empty() ? ":" + path->second : "");
  }
  return env;
}

}  // namespace

RunRecord run_node(store::Store& store, const RunRequest& req) {
  auto revision = ion::current_revision(store, req.ion);
  auto manifest = ion::load_revision(revision);
  const ion::Node* node = &manifest.require(req.node);
  if (node->policy) throw Error(Exit::usage, "node '" + req.node + "' is a policy; only pipeline nodes run");
  auto version = pipeline::resolve_pipeline(store, store::parse_model_ref(node->pipeline));
  const bool service = node->mode == "service";

  RunRecord r;
  r.id = new_run_id(req.clock->now_ms());
  r.ion = req.ion;
  r.node = req.node;
  r.pipeline = version.name + ":" + std::to_string(version.version);
  r.status = "running";
  r.outcome = "running";
  r.started_ms = req.clock->now_ms();
  r.actor = req.actor;
  for (const auto& a : version.summary["args"])
    if (a.contains("default")) r.args[a["name"]] = a["default"];
  for (const auto& [k, v] : node->args) r.args[k] = v;

  std::string dir = run_dir(store, r.id);
  util::make_dirs(dir);
  save_run(store, r, true);
  Collector collector({r.id, r.ion, r.node}, dir + "/stats.jsonl", dir + "/tensorboard");

  auto finish = [&](const std::string& status, const std::string& outcome) {
    collector.collect(store, req.clock->now_ms(), true);
    r.status = status;
    r.outcome = outcome;
    r.finished_ms = req.clock->now_ms();
    save_run(store, r, false);
    return r;
  };
  try {
    pipeline::extract_archive(store.blobs().read_verified(version.digest), dir + "/workspace",
                              "pipeline/" + r.pipeline);
    auto m = pipeline::parse_pipeline({"pipeline.yaml", util::read_file(dir + "/workspace/pipeline.yaml")});
    for (const char* sub : {"/model-out", "/tensorboard", "/sdk", "/model-in"}) util::make_dirs(dir + sub);
    {
      util::TempFile sdk(dir + "/sdk");
      std::string source = python_sdk_source();
      util::write_all(sdk.fd(), source.data(), source.size(), sdk.path());
      sdk.commit(dir + "/sdk/mlops_sdk.py", false);
    }
    auto env = contract_environment(req, r, node->mode, m.venv, dir);
    // The path to create: a file or a directory, as the pipeline likes.
    env["MLOPS_MODEL_OUT"] = dir + "/model-out/model";
    if (m.consumes) {
      std::string model = delivered_model(store, r.ion, r.node);
      if (model.empty())
        return finish("failed", "no model has reached node '" + r.node + "' yet (pipeline '" + m.name + "' consumes one)");
      if (service) {
        env["MLOPS_MODEL_IN"] = stage_model(store, dir, model);
      } else {
        env["MLOPS_MODEL_IN"] = store.pull(store::parse_model_ref(model), dir + "/model-in", false).path;
      }
      env["MLOPS_BASELINE"] = dir + "/baseline.json";
      collector.watch_health({stage_baseline(store, model, dir + "/baseline.json"), node->health, model});
      // A model is deployed when a run first uses it: a batch run reading it, a service starting on it.
      std::string was = previous_model_in(store, r);
      r.model_in = model;
      save_run(store, r, false);
      if (was != model)
        record_deployed(store, r, model,
                        std::string(service ? "serving in run " : "first used by run ") + r.id + " (was " +
                            (was.empty() ? "none" : was) + ")",
                        req.clock->now_ms());
    }

    std::string failure;
    const int64_t attempts = 1 + node->retry.limit;
    std::string cancelled_by, refused;
    std::set<std::string> spark_logs;  // event logs already recorded
    auto check_cancel = [&](engine::Process* p) {
      if (cancelled_by.empty()) cancelled_by = cancel_request(store, r.id);
      if (cancelled_by.empty() && req.control && req.control->cancelled()) cancelled_by = req.control->why();
      if (!cancelled_by.empty() && p) p->cancel();
    };
    for (r.attempts = 1;; ++r.attempts) {
      failure.clear();
      util::remove_all(dir + "/model-out");
      util::make_dirs(dir + "/model-out");
      int64_t attempt_start = req.clock->now_ms();
      for (const auto& step : m.steps) {
        engine::ProcessSpec spec;
        spec.env = env;
        for (const auto& [k, v] : step.env) spec.env[k] = v;
        std::optional<SparkMonitor> monitor;
        if (step.spark) {
          auto launch = spark_launch(*step.spark, node->spark, spec.env, dir, store.root() + "/cache/spark-listener");
          // The event log and the REST API still tell the story; say why the listener's part is missing.
          if (!launch.warning.empty()) append_log(dir + "/run.log", "mlops: " + launch.warning + "\n");
          spec.argv = launch.argv;
          monitor.emplace(launch.ui_port, req.clock->now_ms(), node->spark.rest_after_ms);
          r.spark_state = "submitted";
          r.spark_app.clear();
          save_run(store, r, false);
        } else {
          spec.argv = step.run;
        }
        uint64_t log_start = util::size_or_zero(dir + "/run.log");
        spec.cwd = dir + "/workspace";
        spec.stdout_path = spec.stderr_path = dir + "/run.log";
        if (node->timeout_seconds) {
          int64_t left = node->timeout_seconds * 1000 - (req.clock->now_ms() - attempt_start);
          if (left <= 0) {
            failure = "step '" + step.name + "': not started, the attempt's timeout of " + node->timeout + " had passed";
            break;
          }
          spec.timeout = std::chrono::milliseconds(left);
        }
        spec.tick = std::chrono::milliseconds(kTickMs);
        if (step.spark && node->spark.deploy_mode == "cluster")
          spec.on_stop = [&, env = spec.env] {
            kill_cluster_driver(node->spark, env, util::read_from(dir + "/run.log", log_start), dir + "/run.log",
                                dir + "/workspace", [&](const std::string& line) { append_log(dir + "/run.log", "mlops: " + line + "\n"); });
          };
        engine::Process* running = nullptr;
        auto spark_started = [&](std::string app) {
          if (app.empty()) app = started_application(dir + "/spark-events", spark_logs);
          if (app.empty()) return;
          r.spark_state = "running";
          r.spark_app = app;
          save_run(store, r, false);
        };
        // Whatever fails on a tick is tried again on the next one (collected stats are consumed only
        // when they commit; a swap only once staged), so a busy catalog never kills the job. The last
        // collect, at the end of the run, does not forgive.
        auto tick = [&] {
          check_cancel(running);
          collector.collect(store, req.clock->now_ms());
          if (monitor) {
            monitor->poll(store, collector, req.clock->now_ms());
            if (r.spark_state == "submitted") spark_started(monitor->application());
          }
          if (!service || !running) return;
          std::string latest = delivered_model(store, r.ion, r.node);
          if (latest.empty() || latest == r.model_in || latest == refused) return;
          try {
            // The baseline first: a service that sees the new model reads the baseline that goes with it.
            auto baseline = stage_baseline(store, latest, dir + "/baseline.json");
            try {
              stage_model(store, dir, latest);
            } catch (const Error&) {
              stage_baseline(store, r.model_in, dir + "/baseline.json");
              throw;
            }
            collector.watch_health({baseline, node->health, latest});
          } catch (const Error& e) {
            // The service keeps the model it has; the next delivery is tried again.
            append_log(dir + "/run.log", "mlops: cannot swap in model/" + latest + ": " + e.what() + "\n");
            refused = latest;
            return;
          }
          // SIGHUP only to a service that said it handles it (the SDK does), since by default it kills.
          if (util::path_exists(dir + "/sighup-ok")) ::kill(running->pid(), SIGHUP);
          record_deployed(store, r, latest, "hot-swapped into run " + r.id + " (was " + r.model_in + ")",
                          req.clock->now_ms());
          r.model_in = latest;
          save_run(store, r, false);
        };
        spec.on_tick = [&] {
          try {
            tick();
          } catch (const std::exception&) {
          }
        };
        engine::ProcessOutcome outcome;
        {
          engine::Process process(spec);
          Attached attached(req.control, process);
          running = &process;
          set_run_process(store, r.id, process.pid());
          check_cancel(&process);
          outcome = process.wait();
          running = nullptr;
        }
        set_run_process(store, r.id, 0);  // reaped: the group id may be anyone's now
        if (outcome.cancelled) check_cancel(nullptr);  // RunControl cancels directly, between ticks
        std::string spark_failure;
        try {
          if (step.spark) {
            if (r.spark_state == "submitted") spark_started(monitor->application());  // quicker than a tick
            r.spark_state = spark_final_state(outcome);
            spark_failure = record_spark(store, collector, dir + "/spark-events", spark_logs, req.clock->now_ms());
          }
        } catch (const std::exception& e) {
          append_log(dir + "/run.log", std::string("mlops: cannot read the Spark event log: ") + e.what() + "\n");
        }
        if (!cancelled_by.empty()) return finish("cancelled", "cancelled by " + cancelled_by);
        if (!outcome.ok()) {
          // Why, in a line: the driver's exception, else what Spark recorded.
          std::string why = engine::failure_reason(util::read_from(dir + "/run.log", log_start));
          if (why.empty()) why = spark_failure;
          failure = "step '" + step.name + "': " + outcome.describe() + (why.empty() ? "" : ": " + why);
          break;
        }
      }
      if (failure.empty()) break;
      if (r.attempts >= attempts) {
        if (attempts > 1) failure += " (attempt " + std::to_string(r.attempts) + " of " + std::to_string(attempts) + ")";
        return finish("failed", failure);
      }
      int64_t wait_ms = std::min(node->retry.backoff_seconds * 1000 << std::min<int64_t>(r.attempts - 1, 20), kMaxBackoffMs);
      append_log(dir + "/run.log", "mlops: attempt " + std::to_string(r.attempts) + " of " + std::to_string(attempts) +
                                       " failed (" + failure + "); retrying in " + std::to_string(wait_ms / 1000) + "s\n");
      save_run(store, r, false);
      for (int64_t waited = 0; waited < wait_ms && cancelled_by.empty(); waited += kTickMs) {
        if (req.control) req.control->sleep_for(std::min(kTickMs, wait_ms - waited));
        else ::usleep(static_cast<useconds_t>(std::min(kTickMs, wait_ms - waited) * 1000));
        check_cancel(nullptr);
      }
      if (!cancelled_by.empty()) return finish("cancelled", "cancelled by " + cancelled_by + " (after " + failure + ")");
    }
    collector.collect(store, req.clock->now_ms(), true);
    size_t bad_lines = collector.malformed();
    std::string note = bad_lines ? " (" + std::to_string(bad_lines) + " malformed stats lines ignored)" : "";
    if (r.attempts > 1) note += " (attempt " + std::to_string(r.attempts) + " of " + std::to_string(attempts) + ")";
    if (m.produces) {
      std::string produced = produced_model(dir + "/model-out");
      if (produced.empty()) return finish("failed", "wrote no model (expected one at $MLOPS_MODEL_OUT)");
      store::PushRequest push;
      push.path = produced;
      push.name = model_name(r.ion, r.node);
      push.labels = {{"ion", r.ion}, {"node", r.node}, {"run", r.id}, {"pipeline", r.pipeline}, {"agent", req.agent}};
      push.params = {{"pipelineDigest", "sha256:" + version.digest}};
      for (const auto& [k, v] : r.args) push.params["arg." + k] = v;
      push.metrics = collector.metrics();
      if (!collector.baseline().empty()) push.params["baseline"] = store_baseline(store, collector.baseline());
      push.actor = req.actor;
      push.now_ms = req.clock->now_ms();
      auto pushed = store.push(push);
      r.model = pushed.name + ":" + std::to_string(pushed.version);
    }
    return finish("succeeded", "exit 0" + note);
  } catch (const std::exception& e) {
    // Record the failure before anything else that could fail again (collecting stats), so the run
    // never stays 'running' with nobody left to end it.
    try {
      r.status = "failed";
      r.outcome = e.what();
      r.finished_ms = req.clock->now_ms();
      save_run(store, r, false);
      collector.collect(store, req.clock->now_ms(), true);
    } catch (const std::exception&) {
    }
    throw;
  }
}

}  // namespace mlops::runtime
