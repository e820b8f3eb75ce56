#include "util/strings.hpp"

#include <doctest/doctest.h>

using namespace mlops::util;

TEST_CASE("did_you_mean suggests close names only") {
  CHECK(did_you_mean("chrun", {"churn", "fraud"}) == "churn");
  CHECK(did_you_mean("xyz", {"churn", "fraud"}) == "");
}
