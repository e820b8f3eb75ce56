// What one command file needs: its arguments declared through Args, and an Action to run. Args
// hides CLI11, so only the registry and main compile CLI11's (large) headers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/env.hpp"

namespace CLI {
class App;
}

namespace mlops::cli {

using Action = std::function<int(Env&)>;

class Args {
 public:
  explicit Args(CLI::App& app) : app_(app) {}
  // `type` names the value in help ("REF", "DIR").
  Args& positional(const char* name, std::string& into, const char* type, const char* help, bool required = true);
  // One or more, in order (a last positional: it takes every word left).
  Args& positionals(const char* name, std::vector<std::string>& into, const char* type, const char* help);
  Args& option(const char* names, std::string& into, const char* type, const char* help, bool required = false);
  // Repeatable: every occurrence is appended.
  Args& option(const char* names, std::vector<std::string>& into, const char* type, const char* help);
  Args& flag(const char* names, bool& into, const char* help);

 private:
  CLI::App& app_;
};

using Setup = Action (*)(Args&);

}  // namespace mlops::cli
