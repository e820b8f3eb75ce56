#include "util/time.hpp"

#include <doctest/doctest.h>

using namespace mlops::util;

TEST_CASE("format_rfc3339 is UTC with milliseconds") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(951782400123) == "2000-02-29T00:00:00.123Z");
}

TEST_CASE("format_age picks the kubectl unit") {
  CHECK(format_age(1000, 0) == "1s");
  CHECK(format_age(119000, 0) == "119s");
  CHECK(format_age(120000, 0) == "2m");
  CHECK(format_age(3 * 3600000, 0) == "3h");
  CHECK(format_age(5 * 86400000LL, 0) == "5d");
  CHECK(format_age(0, 1000) == "0s");
}

TEST_CASE("parse_rfc3339 reads back what format_rfc3339 writes, and nothing else") {
  for (int64_t ms : {int64_t{0}, int64_t{1796123666152}, int64_t{951782400999}})
    CHECK(mlops::util::parse_rfc3339(mlops::util::format_rfc3339(ms)) == ms);
  CHECK_FALSE(mlops::util::parse_rfc3339("2026-12-01T11:14:26Z"));
  CHECK_FALSE(mlops::util::parse_rfc3339("2026-12-01T11:14:26.152Zjunk"));
  CHECK_FALSE(mlops::util::parse_rfc3339(""));
}
