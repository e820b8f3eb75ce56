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

TEST_CASE_FIXTURE(Channel, "collector: baselines are kept for the model, windows scored against the model in use") {
  write(R"({"type": "distribution", "role": "baseline", "name": "x", "edges": [0, 1, 2], "counts": [5, 5]})" "\n"
        R"({"type": "distribution", "role": "baseline", "name": "x", "edges": [0, 1, 2], "counts": [6, 4]})" "\n"
        R"({"type": "distribution", "role": "sideways", "name": "x", "edges": [0, 1, 2], "counts": [6, 4]})" "\n");
  collector.collect(store, 1000);
  CHECK(collector.baseline()["x"]["counts"] == nlohmann::json{6.0, 4.0});  // the last one
  CHECK(collector.malformed() == 1);

  runtime::HealthWatch watch;
  watch.baseline = collector.baseline();
  watch.model = "ion.train:1";
  collector.watch_health(watch);
  auto alerts = [&] {
    store::Stmt s(store.catalog().handle(), "SELECT count(*), max(message) FROM run_events WHERE kind = 'alert' AND name = 'drift'");
    s.step();
    return std::make_pair(s.integer(0), s.text(1));
  };
  auto window = [&](const std::string& counts) {
    write(R"({"type": "distribution", "role": "window", "name": "x", "edges": [0, 1, 2], "counts": )" + counts + "}\n");
    collector.collect(store, 2000);
  };
  window("[6, 4]");
  CHECK(count("source = 'health'") == 1);
  CHECK(alerts().first == 0);
  window("[0, 10]");  // drifted: one alert
  CHECK(alerts().first == 1);
  CHECK(alerts().second == "feature 'x' (psi 1.88 over 0.2) drifted from the baseline of model ion.train:1");
  window("[1, 9]");  // still drifted from the same model: no new alert
  CHECK(alerts().first == 1);
  watch.model = "ion.train:2";  // a new model, drifted at once: a new alert
  collector.watch_health(watch);
  window("[0, 10]");
  CHECK(alerts().first == 2);
  window(R"([5, 5], "edges": [0, 1, 3])");  // not on the baseline's edges: malformed, not scored
  CHECK(count("source = 'health'") == 4);
  CHECK(collector.malformed() == 2);
}
