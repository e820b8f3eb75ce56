#include "cli/model_common.hpp"

#include "api/documents.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

using nlohmann::json;

std::string version_id(const store::ModelVersion& v) { return v.name + ":" + std::to_string(v.version); }

json version_json(const store::ModelVersion& v) { return api::model_version(v); }

std::string key_values(const json& object) {
  std::string out;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!out.empty()) out += ",";
    out += it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>()
                                                     : it.value().is_number() ? util::format_number(it.value().get<double>())
                                                                              : it.value().dump());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_pairs(const std::vector<std::string>& items,
                                                             const std::string& flag) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw util::Error(util::Exit::usage, "invalid " + flag + " '" + item + "': expected KEY=VALUE");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

}  // namespace mlops::cli
