#include "agent/spool.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "../temp_dir.hpp"
#include "store/catalog.hpp"

using namespace mlops;
using nlohmann::json;

namespace {

void add_stats(store::Store& replica, int n, int64_t at_ms) {
  for (int i = 0; i < n; ++i) {
    store::Stmt s(replica.catalog().handle(),
                  "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) VALUES('r', 'i', 'n', 'stat', 'p', NULL, ?, '{}', ?)");
    s.bind_real(1, i).bind(2, at_ms).run();
  }
}

}  // namespace

TEST_CASE("the spool takes new stats once, numbers them, and lets go only of what was acknowledged") {
  testing::TempDir dir;
  store::Store replica(dir / "store", store::Store::Open::create);
  add_stats(replica, 3, 1000);
  {
    agent::Spool spool(dir / "spool.db", 1 << 20, "drop-oldest");
    CHECK(spool.fill(replica, 2000) == 0);
    CHECK(spool.fill(replica, 2000) == 0);  // nothing new: nothing added
    auto items = spool.peek(10, 1 << 20);
    REQUIRE(items.size() == 3);
    CHECK(items[0].seq == 1);
    CHECK(items[2].seq == 3);
    // Consecutive points go as one item; the server numbers them from its seq.
    auto batch = json::parse(agent::Spool::batch(items));
    REQUIRE(batch["items"].size() == 1);
    CHECK(batch["items"][0]["seq"] == 1);
    CHECK(batch["items"][0]["kind"] == "stats");
    CHECK(batch["items"][0]["points"].size() == 3);
    CHECK(batch["items"][0]["points"][2][6] == 2.0);
    spool.ack(2);
    CHECK(spool.status().items == 1);
  }
  // Reopened (a restart): the cursor and the unacknowledged item are still there; numbers go on.
  agent::Spool spool(dir / "spool.db", 1 << 20, "drop-oldest");
  add_stats(replica, 1, 3000);
  spool.fill(replica, 4000);
  auto items = spool.peek(10, 1 << 20);
  REQUIRE(items.size() == 2);
  CHECK(items[0].seq == 3);
  CHECK(items[1].seq == 4);
  CHECK(spool.status().last_seq == 4);
}

TEST_CASE("past its cap the spool drops stat points by its policy, and says how many") {
  testing::TempDir dir;
  store::Store replica(dir / "store", store::Store::Open::create);
  add_stats(replica, 200, 1000);
  SUBCASE("drop-oldest keeps the newest") {
    agent::Spool spool(dir / "spool.db", 4000, "drop-oldest");
    int64_t dropped = spool.fill(replica, 2000);
    CHECK(dropped > 0);
    auto items = spool.peek(1000, 1 << 20);
    CHECK(spool.status().bytes <= 4000 + 200);
    CHECK(spool.status().dropped == dropped);
    CHECK(items.back().kind == "overflow");
    CHECK(json::parse(items.back().body)["dropped"] == dropped);
    CHECK(json::parse(items[items.size() - 2].body)["stat"][6] == 199.0);  // the newest point is kept
  }
  SUBCASE("drop-newest keeps the oldest") {
    agent::Spool spool(dir / "spool.db", 4000, "drop-newest");
    int64_t dropped = spool.fill(replica, 2000);
    CHECK(dropped > 0);
    auto items = spool.peek(1000, 1 << 20);
    CHECK(json::parse(items.front().body)["stat"][6] == 0.0);
    CHECK(items.size() == static_cast<size_t>(200 - dropped + 1));
  }
}

TEST_CASE("a requested run is claimed once, across restarts, and its end is an item like any other") {
  testing::TempDir dir;
  {
    agent::Spool spool(dir / "spool.db", 1 << 20, "drop-oldest");
    CHECK(spool.claim_request(7));
    CHECK_FALSE(spool.claim_request(7));
    CHECK(spool.claim_request(8));
    spool.finish_request(8, "r20261201-000000-abcdef");
    CHECK(spool.unfinished_requests() == std::vector<int64_t>{7});
  }
  agent::Spool spool(dir / "spool.db", 1 << 20, "drop-oldest");
  CHECK_FALSE(spool.claim_request(7));  // a restart does not run it again
  auto items = spool.peek(10, 1 << 20);
  REQUIRE(items.size() == 1);
  CHECK(items[0].kind == "request");
  auto body = json::parse(items[0].body);
  CHECK(body["request"] == 8);
  CHECK(body["run"] == "r20261201-000000-abcdef");
}
