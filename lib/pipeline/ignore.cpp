#include "pipeline/ignore.hpp"

#include <fnmatch.h>

#include "util/strings.hpp"

namespace mlops::pipeline {

IgnoreRules IgnoreRules::parse(std::string_view text) {
  IgnoreRules rules;
  for (std::string line : util::split(text, '\n')) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    Rule r;
    if (line[0] == '!') {
      r.negate = true;
      line.erase(0, 1);
    }
    if (!line.empty() && line.back() == '/') {
      r.dir_only = true;
      line.pop_back();
    }
    if (!line.empty() && line[0] == '/') {
      r.anchored = true;
      line.erase(0, 1);
    }
    if (line.find('/') != std::string::npos) r.anchored = true;
    if (line.empty()) continue;
    r.glob = line;
    rules.rules_.push_back(r);
  }
  return rules;
}

bool IgnoreRules::ignored(const std::string& path, bool is_dir) const {
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  bool result = false;
  // Later rules win, as in .gitignore.
  for (const auto& r : rules_) {
    if (r.dir_only && !is_dir) continue;
    bool match = r.anchored ? fnmatch(r.glob.c_str(), path.c_str(), FNM_PATHNAME) == 0
                            : fnmatch(r.glob.c_str(), name.c_str(), 0) == 0;
    if (match) result = !r.negate;
  }
  return result;
}

}  // namespace mlops::pipeline
