// Views of model versions shared by the model commands.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/registry.hpp"

namespace mlops::cli {

// "churn:3"
std::string version_id(const store::ModelVersion& v);
// The stable JSON body of a ModelVersion (without apiVersion/kind).
nlohmann::json version_json(const store::ModelVersion& v);
// "auc=0.91,loss=0.2"
std::string key_values(const nlohmann::json& object);

// Parses repeated KEY=VALUE flags; a malformed one is a usage error naming the flag.
std::vector<std::pair<std::string, std::string>> parse_pairs(const std::vector<std::string>& items,
                                                             const std::string& flag);

}  // namespace mlops::cli
