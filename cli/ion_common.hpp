// Reading what 'ion apply|validate|diff -f' name: a file of ION documents, '-' for stdin, or a
// directory: every directory below it holding pipeline.yaml is a pipeline to upload in the same
// apply, and every other *.yaml or *.yml file below it is an ION file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/env.hpp"
#include "ion/registry.hpp"

namespace mlops::cli {

struct IonInputs {
  std::vector<ion::ApplyItem> items;
  std::map<std::string, pipeline::PipelineManifest> pending;  // pipelines found in a directory
  std::map<std::string, std::string> pending_dirs;             // pipeline name -> directory
};

IonInputs load_ion_inputs(Env& env, const std::string& path);

// The canonical spec as YAML, the text 'ion diff' compares.
std::string canonical_yaml(const nlohmann::json& spec);

}  // namespace mlops::cli
