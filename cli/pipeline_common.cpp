#include "cli/pipeline_common.hpp"

#include "util/time.hpp"

namespace mlops::cli {

std::string pipeline_id(const pipeline::PipelineVersion& v) { return v.name + ":" + std::to_string(v.version); }

nlohmann::json pipeline_json(const pipeline::PipelineVersion& v) {
  nlohmann::json body = {{"name", v.name},
                         {"version", v.version},
                         {"digest", "sha256:" + v.digest},
                         {"engine", v.engine},
                         {"files", v.files},
                         {"size", v.size},
                         {"createdAt", util::format_rfc3339(v.created_ms)},
                         {"createdBy", v.created_by}};
  for (auto it = v.summary.begin(); it != v.summary.end(); ++it) body[it.key()] = it.value();
  return body;
}

}  // namespace mlops::cli
