#include "runtime/collector.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "../temp_dir.hpp"

using namespace mlops;

namespace {

struct Channel {
  testing::TempDir dir;
  store::Store store{dir / "store", store::Store::Open::create};
  std::string path = dir / "stats.jsonl";
  runtime::Collector collector{{"r1", "ion", "node"}, path, dir / "tensorboard"};

  void write(const std::string& text, bool append = true) {
    std::ofstream(path, append ? std::ios::app : std::ios::trunc) << text;
  }
  int64_t count(const std::string& where = "1") {
    store::Stmt s(store.catalog().handle(), "SELECT count(*) FROM stats WHERE " + where);
    s.step();
    return s.integer(0);
  }
};

}  // namespace

TEST_CASE_FIXTURE(Channel, "collector: complete lines are recorded as they arrive, a partial one waits") {
  write("{\"type\": \"stat\", \"name\": \"rows\", \"value\": 1}\n{\"type\": \"metric\", \"name\": \"auc\", \"val");
  collector.collect(store, 1000);
  CHECK(count() == 1);
  write("ue\": 0.9}\n");
  collector.collect(store, 2000);
  CHECK(count() == 2);
  CHECK(collector.metrics() == nlohmann::json{{"auc", 0.9}});
  CHECK(collector.malformed() == 0);
}

TEST_CASE_FIXTURE(Channel, "collector: a last line without its newline counts when the run has ended") {
  write("{\"type\": \"stat\", \"name\": \"rows\", \"value\": 1}");
  collector.collect(store, 1000);
  CHECK(count() == 0);
  collector.collect(store, 1000, true);
  CHECK(count() == 1);
}

TEST_CASE_FIXTURE(Channel, "collector: garbage, wrong types and unknown records are counted, not fatal") {
  write("not json\n[1]\n{\"type\": \"stat\", \"name\": \"x\", \"value\": \"high\"}\n{\"type\": \"sparkle\"}\n"
        "{\"type\": \"alert\", \"message\": \"no name\"}\n{\"type\": \"stat\", \"name\": \"ok\", \"value\": 2}\n");
  collector.collect(store, 1000);
  CHECK(collector.malformed() == 5);
  CHECK(count() == 1);
}

TEST_CASE_FIXTURE(Channel, "collector: events and alerts go to run_events") {
  write("{\"type\": \"event\", \"message\": \"done\"}\n{\"type\": \"alert\", \"name\": \"drift\", \"message\": \"psi\"}\n");
  collector.collect(store, 1000);
  store::Stmt s(store.catalog().handle(), "SELECT kind, level, name, message FROM run_events ORDER BY id");
  REQUIRE(s.step());
  CHECK(s.text(0) == "event");
  CHECK(s.text(1) == "info");
  REQUIRE(s.step());
  CHECK(s.text(0) == "alert");
  CHECK(s.text(1) == "warning");
  CHECK(s.text(2) == "drift");
}

TEST_CASE_FIXTURE(Channel, "collector: a channel rewritten from the start is read again from the start") {
  write("{\"type\": \"stat\", \"name\": \"a\", \"value\": 1}\n{\"type\": \"stat\", \"name\": \"a\", \"value\": 2}\n");
  collector.collect(store, 1000);
  write("{\"type\": \"stat\", \"name\": \"b\", \"value\": 3}\n", false);
  collector.collect(store, 2000);
  CHECK(count("name = 'b'") == 1);
  CHECK(collector.malformed() == 0);
}

TEST_CASE_FIXTURE(Channel, "collector: a line that never ends is malformed once and skipped to its newline") {
  std::string huge(3u << 20, 'x');
  write("{\"type\": \"stat\", \"name\": \"big\", \"value\": 1, \"pad\": \"" + huge.substr(0, 1u << 20));
  collector.collect(store, 1000);
  write(huge.substr(1u << 20));
  collector.collect(store, 1000);
  write("\"}\n{\"type\": \"stat\", \"name\": \"after\", \"value\": 2}\n");
  collector.collect(store, 1000);
  CHECK(collector.malformed() == 1);
  CHECK(count("name = 'big'") == 0);
  CHECK(count("name = 'after'") == 1);
}
