#include "api/documents.hpp"

#include <cstdio>

#include "util/error.hpp"
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

nlohmann::json model_tree(const store::Tree& tree) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : tree.entries) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", e.mode);
    nlohmann::json item = {{"path", e.path}, {"type", e.is_dir ? "dir" : "file"}, {"mode", mode}};
    if (!e.is_dir) item["digest"] = "sha256:" + e.digest, item["size"] = e.size;
    entries.push_back(item);
  }
  return entries;
}

store::Tree model_tree_from(const nlohmann::json& entries) {
  try {
    store::Tree tree;
    for (const auto& item : entries) {
      store::TreeEntry e;
      e.path = item.at("path").get<std::string>();
      e.is_dir = item.at("type").get<std::string>() == "dir";
      e.mode = static_cast<uint32_t>(std::stoul(item.at("mode").get<std::string>(), nullptr, 8));
      if (!e.is_dir) {
        e.digest = item.at("digest").get<std::string>().substr(7);
        e.size = item.at("size").get<uint64_t>();
      }
      tree.entries.push_back(e);
    }
    return tree;
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::error, std::string("the server sent a tree this mlops cannot read: ") + e.what());
  }
}

store::ModelVersion model_version_from(const nlohmann::json& j) {
  try {
    store::ModelVersion v;
    v.name = j.at("name").get<std::string>();
    v.version = j.at("version").get<int64_t>();
    std::string digest = j.at("digest").get<std::string>();
    v.digest = digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
    v.type = j.at("type").get<std::string>();
    v.size = j.at("size").get<uint64_t>();
    v.files = j.at("files").get<uint64_t>();
    v.mode = static_cast<uint32_t>(std::stoul(j.at("mode").get<std::string>(), nullptr, 8));
    v.source = j.at("source").get<std::string>();
    v.aliases = j.at("aliases").get<std::vector<std::string>>();
    v.metrics = j.at("metrics");
    v.params = j.at("params");
    v.labels = j.at("labels");
    auto created = util::parse_rfc3339(j.at("createdAt").get<std::string>());
    if (!created) throw std::invalid_argument("createdAt is not an RFC 3339 time");
    v.created_ms = *created;
    v.created_by = j.at("createdBy").get<std::string>();
    return v;
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::error, std::string("not a model version this mlops can read: ") + e.what());
  }
}

}  // namespace mlops::api
