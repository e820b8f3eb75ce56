#include "pipeline/ignore.hpp"

#include <doctest/doctest.h>

using mlops::pipeline::IgnoreRules;

TEST_CASE(".mlopsignore follows the everyday .gitignore rules") {
  auto rules = IgnoreRules::parse("# comment\n*.pyc\n__pycache__/\n/data\nbuild/out\n!keep.pyc\n\n");
  CHECK(rules.ignored("x.pyc", false));
  CHECK(rules.ignored("a/b/x.pyc", false));
  CHECK_FALSE(rules.ignored("keep.pyc", false));
  CHECK(rules.ignored("src/__pycache__", true));
  CHECK_FALSE(rules.ignored("src/__pycache__", false));
  CHECK(rules.ignored("data", true));
  CHECK_FALSE(rules.ignored("src/data", true));
  CHECK(rules.ignored("build/out", false));
  CHECK_FALSE(rules.ignored("train.py", false));
}
