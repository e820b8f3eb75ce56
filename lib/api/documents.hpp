// The mlops/v1 JSON shapes, one definition for both faces: what the CLI prints with -o json and
// what the server's /api/v1 returns (schemas/output.schema.json, schemas/openapi.yaml).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "store/registry.hpp"
#include "store/tree.hpp"

namespace mlops::api {

// {"apiVersion": "mlops/v1", "kind": kind, ...body}
nlohmann::json document(const std::string& kind, const nlohmann::json& body);

// The body of a ModelVersion (without apiVersion and kind).
nlohmann::json model_version(const store::ModelVersion& v);

// A directory version's files and directories, as 'model show' and the server show them.
nlohmann::json model_tree(const store::Tree& tree);
store::Tree model_tree_from(const nlohmann::json& entries);

// The inverse, for what a server sends; a usage error naming what is wrong when it is not one.
store::ModelVersion model_version_from(const nlohmann::json& body);

}  // namespace mlops::api
