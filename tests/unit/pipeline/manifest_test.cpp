#include "pipeline/manifest.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::pipeline;

TEST_CASE("a pipeline manifest parses into steps in execution order") {
  auto p = parse_pipeline({"pipeline.yaml", R"(apiVersion: mlops/v1
kind: Pipeline
metadata: {name: t, description: d}
spec:
  engine: python
  produces: true
  args:
    - {name: k, type: int, default: 3}
    - {name: data}
  steps:
    - {name: c, run: [python3, c.py], after: [b]}
    - {name: b, run: echo b, after: [a]}
    - {name: a, run: [python3, a.py]}
)"});
  CHECK(p.name == "t");
  CHECK(p.engine == "python");
  CHECK(p.produces);
  CHECK_FALSE(p.consumes);
  REQUIRE(p.args.size() == 2);
  CHECK(p.args[0].value == "3");
  CHECK_FALSE(p.args[1].value.has_value());
  REQUIRE(p.steps.size() == 3);
  CHECK(p.steps[0].name == "a");
  CHECK(p.steps[1].name == "b");
  CHECK(p.steps[1].run == std::vector<std::string>{"/bin/sh", "-c", "echo b"});
  CHECK(p.steps[2].name == "c");
}

TEST_CASE("spark steps carry their application") {
  auto p = parse_pipeline({"pipeline.yaml", R"(apiVersion: mlops/v1
kind: Pipeline
metadata: {name: s}
spec:
  engine: spark
  steps:
    - name: train
      spark: {app: train.py, conf: {spark.executor.memory: 1g}, packages: [a:b:1]}
)"});
  REQUIRE(p.steps[0].spark.has_value());
  CHECK(p.steps[0].spark->app == "train.py");
  CHECK(p.steps[0].spark->conf.at("spark.executor.memory") == "1g");
}

TEST_CASE("a three-step cycle is named in order") {
  try {
    parse_pipeline({"p.yaml", R"(apiVersion: mlops/v1
kind: Pipeline
metadata: {name: c}
spec:
  engine: process
  steps:
    - {name: a, run: [x], after: [c]}
    - {name: b, run: [x], after: [a]}
    - {name: c, run: [x], after: [b]}
)"});
    FAIL("expected an error");
  } catch (const mlops::util::Error& e) {
    CHECK(std::string(e.what()) == "p.yaml:7:7: steps form a cycle: a -> c -> b -> a");
  }
}
