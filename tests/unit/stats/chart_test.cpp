#include "stats/chart.hpp"

#include <doctest/doctest.h>

using namespace mlops::stats;

TEST_CASE("nice ticks step by 1, 2 or 5 times a power of ten") {
  CHECK(nice_ticks(0.04, 6.45, 5) == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(nice_ticks(0, 100, 5) == std::vector<double>{0, 20, 40, 60, 80, 100});
  auto small = nice_ticks(0.001, 0.0042, 4);
  REQUIRE(small.size() == 4);
  CHECK(small[0] == doctest::Approx(0.001));
  CHECK(small[3] == doctest::Approx(0.004));
  CHECK(nice_ticks(3, 3, 5) == std::vector<double>{3});
}

TEST_CASE("a chart names its series and escapes what it prints") {
  Chart c;
  c.title = "p95 <latency> & more";
  c.series = {{"a\"b", {{1764583200000, 1}, {1764583260000, 3}}}, {"empty", {}}};
  auto svg = render_svg(c);
  CHECK(svg.find("p95 &lt;latency&gt; &amp; more") != std::string::npos);
  CHECK(svg.find(">a&quot;b</text>") != std::string::npos);
  CHECK(svg.find("<path d=\"M") != std::string::npos);
  CHECK(svg.find(">10:00:00<") != std::string::npos);  // time ticks in UTC, to the second for a minute
  CHECK(render_svg(Chart{}).find(">no points<") != std::string::npos);
}
