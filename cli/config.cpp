#include "cli/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "manifest/document.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

Context* Config::find(const std::string& name) {
  for (auto& c : contexts)
    if (c.name == name) return &c;
  return nullptr;
}

std::string config_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::string base = xdg && *xdg ? xdg : std::string(home ? home : ".") + "/.config";
  return base + "/mlops/config.yaml";
}

Config load_config(const std::string& path) {
  Config config;
  config.path = path;
  if (!util::path_exists(path)) return config;
  auto docs = manifest::parse_documents({path, util::read_file(path)});
  if (docs.empty()) return config;
  const auto& doc = docs[0];
  doc.only_keys({"apiVersion", "kind", "current-context", "contexts"});
  if (doc.has("current-context")) config.current = doc.at("current-context").as_string();
  if (doc.has("contexts"))
    for (const auto& item : doc.at("contexts").items()) {
      item.only_keys({"name", "server", "ca", "token", "cert", "key"});
      Context c;
      c.name = item.at("name").as_string();
      c.server = item.at("server").as_string();
      for (auto [key, into] : {std::pair{"ca", &c.ca}, std::pair{"token", &c.token}, std::pair{"cert", &c.cert},
                               std::pair{"key", &c.key}})
        if (item.has(key)) *into = item.at(key).as_string();
      if (config.find(c.name)) item.at("name").fail("context '" + c.name + "' appears twice");
      config.contexts.push_back(c);
    }
  return config;
}

void save_config(const Config& config) {
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "mlops/v1" << YAML::Key << "kind"
    << YAML::Value << "Config";
  if (!config.current.empty()) y << YAML::Key << "current-context" << YAML::Value << config.current;
  y << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : config.contexts) {
    y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name << YAML::Key << "server" << YAML::Value
      << c.server;
    for (auto [key, value] : {std::pair{"ca", &c.ca}, std::pair{"token", &c.token}, std::pair{"cert", &c.cert},
                              std::pair{"key", &c.key}})
      if (!value->empty()) y << YAML::Key << key << YAML::Value << *value;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  util::make_dirs(util::dirname_of(config.path));
  util::write_file_atomically(config.path, std::string(y.c_str()) + "\n", 0600);
}

}  // namespace mlops::cli
