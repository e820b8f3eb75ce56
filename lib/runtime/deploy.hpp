// Models going into use at a pipeline node: staged for a service to hot-swap, and recorded as
// 'deployed' when a run first uses one.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/run.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

// A service reads its model through <run>/model-in/current. Each model is pulled whole into a
// directory of its own first; then a new symlink is renamed over current, so the service sees the
// old model or the new one, never a mix. Returns the path of current.
std::string stage_model(store::Store& store, const std::string& run_dir, const std::string& model);

// A 'deployed' flow event for the run's node; `how` says in what way ("first used by run ...").
void record_deployed(store::Store& store, const RunRecord& r, const std::string& model, const std::string& how,
                     int64_t now_ms);

// The model the node's runs used last, before run `r`, or "".
std::string previous_model_in(store::Store& store, const RunRecord& r);

}  // namespace mlops::runtime
