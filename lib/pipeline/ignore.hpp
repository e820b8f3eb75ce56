// .mlopsignore: which files of a pipeline directory stay out of its bundle. The syntax is the
// everyday subset of .gitignore: one glob a line, '#' comments, '!' re-includes, a trailing '/'
// matches directories only, a pattern with a '/' is anchored at the root, one without matches
// the name at any depth.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlops::pipeline {

class IgnoreRules {
 public:
  IgnoreRules() = default;
  static IgnoreRules parse(std::string_view text);
  // `path` is relative to the pipeline root, '/'-separated.
  bool ignored(const std::string& path, bool is_dir) const;

 private:
  struct Rule {
    std::string glob;
    bool negate = false;
    bool dir_only = false;
    bool anchored = false;
  };
  std::vector<Rule> rules_;
};

}  // namespace mlops::pipeline
