// The user's configuration, $XDG_CONFIG_HOME/mlops/config.yaml (else ~/.config/mlops/config.yaml):
// named contexts, each a server with the CA to trust and the credentials to show it, and the one in
// use, as kubeconfig has them. The file holds tokens, so it is written 0600.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlops::cli {

struct Context {
  std::string name, server, ca, token, cert, key;
};

struct Config {
  std::string path;
  std::string current;
  std::vector<Context> contexts;

  Context* find(const std::string& name);
};

std::string config_path();
// An absent file is an empty configuration; a malformed one is a located usage error.
Config load_config(const std::string& path);
void save_config(const Config& config);

}  // namespace mlops::cli
