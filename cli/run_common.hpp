// What the run commands share: a run as its JSON document body.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/run.hpp"

namespace mlops::cli {

nlohmann::json run_json(const runtime::RunRecord& r);

}  // namespace mlops::cli
