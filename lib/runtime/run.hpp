// Runs: one execution of one pipeline node of an ION, on this machine.
//
//   <store>/runs/<id>/workspace/   the pipeline bundle, unpacked; every step starts here
//   <store>/runs/<id>/model-out/   holds MLOPS_MODEL_OUT, the path a producing pipeline creates (a file or
//                                  a directory); it becomes version N+1 of model ION.NODE
//   <store>/runs/<id>/tensorboard/ MLOPS_TENSORBOARD_DIR
//   <store>/runs/<id>/stats.jsonl  MLOPS_STATS: the stats channel
//   <store>/runs/<id>/run.log      stdout and stderr of every step
//
// The environment contract: the caller's environment plus MLOPS_RUN_ID, MLOPS_ION, MLOPS_NODE,
// MLOPS_PIPELINE (NAME:VERSION), MLOPS_WORKSPACE, MLOPS_MODEL_OUT, MLOPS_MODEL_IN (when a model
// reached the node), MLOPS_STATS, MLOPS_TENSORBOARD_DIR and MLOPS_ARG_<NAME> for each argument.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ion/manifest.hpp"
#include "store/store.hpp"
#include "util/time.hpp"

namespace mlops::runtime {

struct RunRecord {
  std::string id;
  std::string ion, node, pipeline;  // pipeline as NAME:VERSION
  std::string status;               // running, succeeded, failed
  std::string outcome;              // "exit 0", "step 'fit': exit 3", "wrote no model"
  std::map<std::string, std::string> args;
  std::string model;     // NAME:VERSION pushed by the run, or ""
  std::string model_in;  // NAME:VERSION the run read at $MLOPS_MODEL_IN, or ""
  int64_t started_ms = 0, finished_ms = 0;
  std::string actor;
};

struct RunRequest {
  std::string ion;
  std::string node;
  std::string actor;
  const util::Clock* clock = nullptr;
  std::map<std::string, std::string> base_env;  // usually the caller's environment
};

// Runs the node of the ION's current revision to completion and records it. A failing pipeline is
// a failed run, not an exception; a request that cannot start (unknown ION or node, a policy node)
// is an error.
RunRecord run_node(store::Store& store, const RunRequest& request);

std::vector<RunRecord> list_runs(store::Store& store, const std::string& ion, const std::string& node);
RunRecord get_run(store::Store& store, const std::string& id);
std::string run_dir(const store::Store& store, const std::string& id);

// The models a node produces are named ION.NODE.
std::string model_name(const std::string& ion, const std::string& node);

}  // namespace mlops::runtime
