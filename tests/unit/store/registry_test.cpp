#include "store/registry.hpp"

#include <doctest/doctest.h>

#include "../temp_dir.hpp"
#include "util/error.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

namespace {

struct Fixture {
  mlops::testing::TempDir dir;
  Catalog catalog{dir / "catalog.db", true};
  Registry registry{catalog};

  ModelVersion add(const std::string& name, const std::string& digest, int64_t at = 1000) {
    ModelVersion v;
    v.name = name;
    v.digest = digest;
    v.type = "file";
    v.source = "m.bin";
    v.created_ms = at;
    v.created_by = "tester";
    return registry.add_version(v);
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "versions count up per model and are never reused") {
  CHECK(add("a", "d1").version == 1);
  CHECK(add("a", "d2").version == 2);
  CHECK(add("b", "d1").version == 1);
  registry.remove(parse_model_ref("a:2"), "tester", 2000);
  CHECK(add("a", "d3").version == 3);
  CHECK(registry.resolve(parse_model_ref("a")).version == 3);
  CHECK(registry.version_digests() == std::set<std::string>{"d1", "d3"});
}

TEST_CASE_FIXTURE(Fixture, "aliases move and are recorded") {
  add("a", "d1");
  add("a", "d2");
  auto first = registry.set_alias(parse_model_ref("a:1"), "prod", "alice", 10);
  CHECK_FALSE(first.from_version.has_value());
  auto second = registry.set_alias(parse_model_ref("a"), "prod", "bob", 20);
  CHECK(second.from_version == 1);
  CHECK(second.to_version == 2);
  CHECK(registry.resolve(parse_model_ref("a@prod")).version == 2);
  auto history = registry.history("a");
  REQUIRE(history.size() == 4);
  CHECK(history[3].actor == "bob");
  CHECK(history[3].at_ms == 20);
  CHECK(history[3].from_version == 1);
}

TEST_CASE_FIXTURE(Fixture, "lookups fail with not_found and a suggestion") {
  add("churn", "d1");
  try {
    registry.resolve(parse_model_ref("chrun"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
    CHECK(e.hint() == "did you mean 'churn'?");
  }
  CHECK_THROWS_AS(registry.resolve(parse_model_ref("churn:2")), Error);
  CHECK_THROWS_AS(registry.resolve(parse_model_ref("churn@prod")), Error);
}

TEST_CASE_FIXTURE(Fixture, "list filters by name and labels") {
  ModelVersion v;
  v.name = "a";
  v.digest = "d";
  v.type = "file";
  v.labels = {{"team", "risk"}, {"odd key", "x"}};
  registry.add_version(v);
  add("b", "d");
  CHECK(registry.list({}).size() == 2);
  CHECK(registry.list({"", {{"team", "risk"}}}).size() == 1);
  CHECK(registry.list({"", {{"odd key", "x"}}}).size() == 1);
  CHECK(registry.list({"", {{"team", "other"}}}).empty());
  CHECK(registry.list({"b", {}}).size() == 1);
}
