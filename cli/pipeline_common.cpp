#include "cli/pipeline_common.hpp"

#include "api/resources.hpp"

#include "util/time.hpp"

namespace mlops::cli {

std::string pipeline_id(const pipeline::PipelineVersion& v) { return v.name + ":" + std::to_string(v.version); }

nlohmann::json pipeline_json(const pipeline::PipelineVersion& v) { return api::pipeline_version(v); }

}  // namespace mlops::cli
