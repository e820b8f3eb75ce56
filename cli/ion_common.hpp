// Reading what 'ion apply|validate|diff -f' name: a file of ION documents, '-' for stdin, or a
// directory: every directory below it holding pipeline.yaml is a pipeline to upload in the same
// apply, and every other *.yaml or *.yml file below it is an ION file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/env.hpp"
#include "ion/apply.hpp"

namespace mlops::cli {

using IonInputs = ion::ApplyInputs;

IonInputs load_ion_inputs(Env& env, const std::string& path);

// The canonical spec as YAML, the text 'ion diff' compares.
std::string canonical_yaml(const nlohmann::json& spec);

}  // namespace mlops::cli
