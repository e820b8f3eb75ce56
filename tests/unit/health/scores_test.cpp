#include "health/scores.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::health;
using nlohmann::json;

namespace {

Distribution continuous(std::vector<double> counts, double missing = 0) {
  Distribution d;
  d.name = "x";
  for (size_t i = 0; i <= counts.size(); ++i) d.edges.push_back(static_cast<double>(i));
  d.counts = std::move(counts);
  d.missing = missing;
  return d;
}

Distribution categorical(std::vector<std::string> values, std::vector<double> counts, double missing) {
  Distribution d;
  d.name = "colour";
  d.categorical = true;
  d.values = std::move(values);
  d.counts = std::move(counts);
  d.missing = missing;
  return d;
}

}  // namespace

// Baseline [2, 2, 0], window [1, 1, 2], no missing values on either side (that bin is left out).
//   PSI: the baseline's empty bin gets half a count: p = [2, 2, 0.5] / 4.5, q = [1, 1, 2] / 4
//        2 x (.25 - .4444444) ln(.25 / .4444444) + (.5 - .1111111) ln(.5 / .1111111)
//        = 2 x 0.1118764 + 0.5849190 = 0.8086717
//   JS:  p = [.5, .5, 0], q = [.25, .25, .5], m = [.375, .375, .25]
//        KL(p||m) = log2(4/3) = 0.4150375; KL(q||m) = 0.5 log2(2/3) + 0.5 log2(2) = 0.2075187
//        sqrt((0.4150375 + 0.2075187) / 2) = 0.5579230
//   KS:  cumulative p .5, 1, 1 against q .25, .5, 1: 0.5
//   overlap: .25 + .25 + 0 = 0.5
TEST_CASE("scores of a continuous feature with an empty bin, worked by hand") {
  auto s = score(continuous({2, 2, 0}), continuous({1, 1, 2}));
  CHECK(s.psi == doctest::Approx(0.8086717).epsilon(1e-6));
  CHECK(s.js == doctest::Approx(0.5579230).epsilon(1e-6));
  REQUIRE(s.ks);
  CHECK(*s.ks == doctest::Approx(0.5));
  CHECK(s.overlap == doctest::Approx(0.5));
}

// Baseline a:6 b:3, 1 missing; window a:2 and c:4 (a value the baseline never saw), 4 missing.
// Bins a, b, unseen, missing, none empty on both sides.
//   PSI: b is empty in the window, unseen in the baseline: half a count each there,
//        p = [6, 3, 0.5, 1] / 10.5, q = [2, 0.5, 4, 4] / 10.5
//        0.4185190 + 0.4266094 + 0.6931472 + 0.3960841 = 1.9343596
//   JS:  p = [.6, .3, 0, .1], q = [.2, 0, .4, .4], m = [.4, .15, .2, .25]
//        KL(p||m) = .6 log2 1.5 + .3 log2 2 + .1 log2 .4 = 0.5187845
//        KL(q||m) = .2 log2 .5 + .4 log2 2 + .4 log2 1.6 = 0.4712290
//        sqrt((0.5187845 + 0.4712290) / 2) = 0.7035671
//   overlap: .2 + 0 + 0 + .1 = 0.3; no KS for a categorical feature
TEST_CASE("scores of a categorical feature with missing and unseen values, worked by hand") {
  auto s = score(categorical({"a", "b"}, {6, 3}, 1), categorical({"c", "a"}, {4, 2}, 4));
  CHECK(s.psi == doctest::Approx(1.9343596).epsilon(1e-6));
  CHECK(s.js == doctest::Approx(0.7035671).epsilon(1e-6));
  CHECK_FALSE(s.ks);
  CHECK(s.overlap == doctest::Approx(0.3));
}

TEST_CASE("identical histograms score no drift, whatever their size") {
  auto s = score(continuous({10, 20, 30}, 5), continuous({1, 2, 3}, 0.5));
  CHECK(s.psi == doctest::Approx(0));
  CHECK(s.js == doctest::Approx(0));
  CHECK(*s.ks == doctest::Approx(0));
  CHECK(s.overlap == doctest::Approx(1));
}

TEST_CASE("disjoint histograms: JS distance 1, overlap 0, KS 1") {
  auto s = score(continuous({5, 0}), continuous({0, 5}));
  CHECK(s.js == doctest::Approx(1));
  CHECK(s.overlap == doctest::Approx(0));
  CHECK(*s.ks == doctest::Approx(1));
  CHECK(s.psi > 2);
}

TEST_CASE("a window on other edges, or an empty one, is refused by name") {
  auto other = continuous({1, 1, 1});
  other.edges = {0, 1, 2, 4};
  CHECK_THROWS_WITH(score(continuous({1, 1, 1}), other), "distribution 'x': is not binned on its baseline's edges");
  CHECK_THROWS_WITH(score(continuous({1, 1}), continuous({0, 0})), "distribution 'x': the window has no values");
  CHECK_THROWS_WITH(score(continuous({1}), categorical({"a"}, {1}, 0)),
                    "distribution 'colour': is categorical, its baseline is not");
}

TEST_CASE("a distribution is read from the SDK's record and checked") {
  auto d = distribution_from(json::parse(R"({"name": "x", "edges": [0, 1, 2], "counts": [3, 4], "missing": 1})"));
  CHECK(d.counts == std::vector<double>{3, 4});
  CHECK(to_json(d) == json::parse(R"({"name": "x", "edges": [0.0, 1.0, 2.0], "counts": [3.0, 4.0], "missing": 1.0})"));
  CHECK(distribution_from(json::parse(R"({"name": "c", "values": ["a", "b"], "counts": [1, 2]})")).categorical);
  CHECK_THROWS_WITH(distribution_from(json::parse(R"({"name": "x", "edges": [0, 2, 1], "counts": [1, 1]})")),
                    "distribution 'x': edges must increase");
  CHECK_THROWS_WITH(distribution_from(json::parse(R"({"name": "x", "edges": [0, 1], "counts": [-1]})")),
                    "distribution 'x': counts must be counts of zero or more");
  CHECK_THROWS_WITH(distribution_from(json::parse(R"({"name": "c", "values": ["a", "a"], "counts": [1, 1]})")),
                    "distribution 'c': has a value twice");
  CHECK_THROWS_WITH(distribution_from(json::parse(R"({"edges": [0, 1], "counts": [1]})")), "a distribution needs a name");
}

TEST_CASE("a verdict names the first score past its threshold") {
  Scores s{0.3, 0.1, 0.2, 0.7};
  CHECK_FALSE(judge(s, {}).drift);
  CHECK(judge(s, {0.2, {}, {}, {}}).reason == "psi 0.3 over 0.2");
  CHECK_FALSE(judge(s, {0.5, 0.2, 0.3, 0.6}).drift);
  CHECK(judge(s, {{}, {}, {}, 0.8}).reason == "overlap 0.7 under 0.8");
}
