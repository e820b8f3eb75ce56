#include "api/documents.hpp"

#include <cstdio>

#include "util/time.hpp"

namespace mlops::api {

nlohmann::json document(const std::string& kind, const nlohmann::json& body) {
  nlohmann::json doc = {{"apiVersion", "mlops/v1"}, {"kind", kind}};
  for (auto it = body.begin(); it != body.end(); ++it) doc[it.key()] = it.value();
  return doc;
}

nlohmann::json model_version(const store::ModelVersion& v) {
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", v.mode);
  return {{"name", v.name},
          {"version", v.version},
          {"digest", "sha256:" + v.digest},
          {"type", v.type},
          {"size", v.size},
          {"files", v.files},
          {"mode", mode},
          {"source", v.source},
          {"aliases", v.aliases},
          {"metrics", v.metrics},
          {"params", v.params},
          {"labels", v.labels},
          {"createdAt", util::format_rfc3339(v.created_ms)},
          {"createdBy", v.created_by}};
}

}  // namespace mlops::api
