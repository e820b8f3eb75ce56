// Runs: one execution of one pipeline node of an ION, on this machine.
//
//   <store>/runs/<id>/workspace/   the pipeline bundle, unpacked; every step starts here
//   <store>/runs/<id>/model-out/   holds MLOPS_MODEL_OUT, the path a producing pipeline creates (a file or
//                                  a directory); it becomes version N+1 of model ION.NODE
//   <store>/runs/<id>/tensorboard/ MLOPS_TENSORBOARD_DIR
//   <store>/runs/<id>/stats.jsonl  MLOPS_STATS: the stats channel
//   <store>/runs/<id>/run.log      stdout and stderr of every step (and of every attempt)
//   <store>/runs/<id>/model-in/    the model that reached the node; a service node reads it through
//                                  model-in/current, a symlink switched atomically on each hot swap
//   <store>/runs/<id>/baseline.json MLOPS_BASELINE: the ML-health baseline of the model in use, if it has one
//   <store>/runs/<id>/sighup-ok    written by the SDK in a service: it handles SIGHUP, so swaps send one
//
// The environment contract: the caller's environment plus MLOPS_RUN_ID, MLOPS_ION, MLOPS_NODE,
// MLOPS_PIPELINE (NAME:VERSION), MLOPS_WORKSPACE, MLOPS_MODEL_OUT, MLOPS_MODEL_IN (when a model
// reached the node), MLOPS_BASELINE (with MLOPS_MODEL_IN), MLOPS_STATS, MLOPS_TENSORBOARD_DIR, MLOPS_NODE_MODE (batch or service) and
// MLOPS_ARG_<NAME> for each argument.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/process.hpp"
#include "ion/manifest.hpp"
#include "store/store.hpp"
#include "util/time.hpp"

namespace mlops::runtime {

struct RunRecord {
  std::string id;
  std::string ion, node, pipeline;  // pipeline as NAME:VERSION
  std::string status;               // running, succeeded, failed, cancelled
  std::string outcome;              // "exit 0", "step 'fit': exit 3", "wrote no model"
  std::map<std::string, std::string> args;
  std::string model;     // NAME:VERSION pushed by the run, or ""
  std::string model_in;  // NAME:VERSION the run read at $MLOPS_MODEL_IN, or ""
  int64_t started_ms = 0, finished_ms = 0;
  std::string actor;
  int64_t attempts = 1;
  std::string cancel_requested_by;
  // For runs with a Spark step, the application as Spark would put it (SparkAppHandle.State):
  // submitted, running, finished, failed, killed or lost (spark-submit ended by a signal nobody in
  // mlops sent); "" for other engines.
  std::string spark_state, spark_app;
};

// Lets another thread stop a run: the step running now is cancelled (its whole process tree) and
// no retry follows.
class RunControl {
 public:
  void cancel(const std::string& why);
  bool cancelled() const;
  std::string why() const;
  // For the runner: the process to cancel, and an interruptible wait between attempts.
  void attach(engine::Process* process);
  void detach();
  bool sleep_for(int64_t ms);  // false when cancelled meanwhile

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  std::string why_;
  engine::Process* process_ = nullptr;
};

struct RunRequest {
  std::string ion;
  std::string node;
  std::string actor;
  const util::Clock* clock = nullptr;
  std::map<std::string, std::string> base_env;  // usually the caller's environment
  RunControl* control = nullptr;                 // optional: cancel from another thread
  std::string agent = "local";
};

// This process's environment without MLOPS_* variables: what runs start from, so a caller's own
// contract never leaks into a pipeline's.
std::map<std::string, std::string> caller_environment();

// Runs the node of the ION's current revision to completion and records it: retried as the node
// says, killed at its timeout, cancelled through `control` or 'mlops run cancel' from any process.
// A service node's run lasts as long as its process; models delivered meanwhile are hot-swapped in.
// A failing pipeline is a failed run, not an exception; a request that cannot start (unknown ION
// or node, a policy node) is an error.
RunRecord run_node(store::Store& store, const RunRequest& request);

// Asks a running run to stop, from any process; its runner cancels it within a tick. When the
// runner has gone (killed), the run's process group is killed and the run recorded here.
RunRecord request_cancel(store::Store& store, const std::string& id, const std::string& actor, int64_t now_ms);

// Runs recorded as running whose runner process has gone (killed, or the machine restarted): what
// they started is killed and they are recorded failed, "lost". Runs a remote agent reported
// (no runner here) are left to that agent. Returns the runs so ended.
std::vector<RunRecord> end_orphaned_runs(store::Store& store, int64_t now_ms);

std::vector<RunRecord> list_runs(store::Store& store, const std::string& ion, const std::string& node);
RunRecord get_run(store::Store& store, const std::string& id);
std::string run_dir(const store::Store& store, const std::string& id);

// What a run reported, per stat name: how many points and the latest value.
struct StatSummary {
  std::string name, source;  // source: stat, metric, tensorboard, table, distribution
  int64_t points = 0;
  double last = 0;
};
std::vector<StatSummary> run_stats(store::Store& store, const std::string& id);

// For the runner: write a run's record, and the process that runs its current step.
void save_run(store::Store& store, const RunRecord& r, bool insert);
void set_run_process(store::Store& store, const std::string& id, int64_t process_group);
std::string new_run_id(int64_t now_ms);
std::string cancel_request(store::Store& store, const std::string& id);

// The models a node produces are named ION.NODE.
std::string model_name(const std::string& ion, const std::string& node);

}  // namespace mlops::runtime
