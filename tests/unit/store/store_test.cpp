#include "store/store.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "store/fsck.hpp"
#include "store/gc.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

TEST_CASE("push, pull, fsck and gc work together") {
  mlops::testing::TempDir dir;
  Store store(dir / "s", Store::Open::create);
  std::ofstream(dir / "m.bin") << "weights";
  PushRequest req;
  req.path = dir / "m.bin";
  req.name = "m";
  req.actor = "tester";
  auto v = store.push(req);
  CHECK(v.version == 1);
  CHECK(v.source == "m.bin");
  auto pulled = store.pull(parse_model_ref("m"), dir / "out", false);
  CHECK(mlops::util::read_file(pulled.path) == "weights");
  CHECK_THROWS_AS(store.pull(parse_model_ref("m"), dir / "out", false), Error);

  auto report = fsck(store, 2);
  CHECK(report.ok());
  CHECK(report.blobs == 1);
  CHECK(report.versions == 1);

  store.registry().remove(parse_model_ref("m"), "tester", 0);
  auto dry = gc(store, true);
  CHECK(dry.removed.size() == 1);
  CHECK(store.blobs().has(v.digest));
  gc(store, false);
  CHECK_FALSE(store.blobs().has(v.digest));
}

TEST_CASE("opening a store that is not there") {
  mlops::testing::TempDir dir;
  try {
    Store store(dir / "none", Store::Open::existing);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
    CHECK(std::string(e.what()) == "no store at '" + (dir / "none") + "'");
  }
  CHECK_FALSE(std::filesystem::exists(dir / "none"));
}

TEST_CASE("fsck reports a version whose blob is gone") {
  mlops::testing::TempDir dir;
  Store store(dir / "s", Store::Open::create);
  std::ofstream(dir / "m.bin") << "weights";
  PushRequest req;
  req.path = dir / "m.bin";
  req.name = "m";
  auto v = store.push(req);
  store.blobs().remove(v.digest);
  auto report = fsck(store, 1);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].problem == "missing");
  CHECK(report.problems[0].used_by == std::vector<std::string>{"m:1"});
}
