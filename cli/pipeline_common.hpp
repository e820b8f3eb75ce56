// Views of pipeline versions shared by the pipeline commands.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/registry.hpp"

namespace mlops::cli {

// "kmeans:3"
std::string pipeline_id(const pipeline::PipelineVersion& v);
// The stable JSON body of a PipelineVersion (without apiVersion/kind).
nlohmann::json pipeline_json(const pipeline::PipelineVersion& v);

}  // namespace mlops::cli
