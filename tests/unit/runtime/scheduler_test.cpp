#include "runtime/scheduler.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "ion/registry.hpp"
#include "manifest/document.hpp"
#include "pipeline/registry.hpp"
#include "runtime/flow.hpp"

using namespace mlops;
using runtime::Scheduler;
using runtime::Trigger;

namespace {

// Instants below were computed independently (Python datetime and zoneinfo), not with the code under test.
constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

// A store holding one pipeline that both produces and consumes models, so any node may use it and
// any edge may join two nodes.
struct Fixture {
  testing::TempDir dir;
  store::Store store{dir / "store", store::Store::Open::create};

  Fixture() {
    std::filesystem::create_directory(dir / "p");
    std::ofstream(dir / "p/pipeline.yaml") << R"(apiVersion: mlops/v1
kind: Pipeline
metadata: {name: p}
spec:
  engine: process
  produces: true
  consumes: true
  steps:
    - {name: s, run: [true]}
)";
    pipeline::upload_pipeline(store, dir / "p", "tester", 1000);
  }

  // Applies an ION named `name` whose spec.nodes are `nodes` (YAML list items, indented 4).
  ion::IonManifest apply(const std::string& name, const std::string& nodes, const std::string& edges = "") {
    std::string text = "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: " + name + "}\nspec:\n  nodes:\n" + nodes +
                       (edges.empty() ? "" : "  edges:\n" + edges);
    std::vector<ion::ApplyItem> items;
    for (const auto& doc : manifest::parse_documents({name + ".yaml", text}))
      items.push_back({ion::parse_ion(doc), text, name + ".yaml"});
    for (const auto& item : items) ion::check_references(store, item.ion, {});
    ion::apply_ions(store, items, "tester", 2000, "test", false);
    return items.at(0).ion;
  }

  int64_t stored_slot(const std::string& ion, const std::string& node) {
    store::Stmt s(store.catalog().handle(), "SELECT last_slot_ms FROM schedule_state WHERE ion = ? AND node = ?");
    s.bind(1, ion).bind(2, node);
    return s.step() ? s.integer(0) : -1;
  }

  void alert(const std::string& ion, const std::string& name) {
    store::Stmt s(store.catalog().handle(),
                  "INSERT INTO run_events(run, ion, node, kind, level, name, message, at_ms) "
                  "VALUES('r1', ?, 'train', 'alert', 'warning', ?, 'something moved', 0)");
    s.bind(1, ion).bind(2, name).run();
  }
};

std::vector<Trigger> of(const std::vector<Trigger>& triggers, const std::string& node) {
  std::vector<Trigger> out;
  for (const auto& t : triggers)
    if (t.node == node) out.push_back(t);
  return out;
}

// Polls over [from, to) and returns the slots fired, checking each fired on time: once a minute from
// 00:00Z to 03:00Z, where the Berlin night slots and both DST switches (01:00Z) lie, and once an hour
// otherwise (a poll costs a catalog read and a manifest parse, and a slot there would still show, as
// a late or missed one).
std::vector<int64_t> fired_by_the_minute_at_night(Scheduler& s, store::Store& store, int64_t from, int64_t to) {
  std::vector<int64_t> slots;
  for (int64_t now = from; now < to; now += (now % kDay < 3 * kHour ? kMinute : kHour)) {
    for (const auto& t : s.poll(store, now, {})) {
      CHECK(t.start);
      CHECK(t.missed == 0);
      CHECK(t.slot_ms == now);
      slots.push_back(t.slot_ms);
    }
  }
  return slots;
}

const char* kBerlinNightly = R"(    - name: nightly
      pipeline: p
      schedule: {cron: "30 2 * * *", timezone: Europe/Berlin}
)";

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scheduler: a cron in Europe/Berlin fires once a day across spring forward") {
  apply("berlin", kBerlinNightly);
  Scheduler s({}, {});
  // 2026-03-28T00:00Z .. 2026-03-31T00:00Z. On 2026-03-29 the clock jumps from 02:00 CET to 03:00
  // CEST, so 02:30 never happens: the slot fires at the end of the skip, 01:00Z.
  auto slots = fired_by_the_minute_at_night(s, store, 1774656000000, 1774915200000);
  CHECK(slots == std::vector<int64_t>{
                     1774661400000,  // 2026-03-28T01:30Z = 02:30 CET
                     1774746000000,  // 2026-03-29T01:00Z = 03:00 CEST
                     1774830600000,  // 2026-03-30T00:30Z = 02:30 CEST
                 });
}

TEST_CASE_FIXTURE(Fixture, "scheduler: a cron in Europe/Berlin fires once on the fall-back day") {
  apply("berlin", kBerlinNightly);
  Scheduler s({}, {});
  auto first = s.poll(store, 1792800000000, {});  // 2026-10-24T00:00Z, 02:00 CEST
  CHECK(first.empty());
  CHECK(s.next_slot_ms() == 1792801800000);
  // On 2026-10-25 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): only the first fires.
  auto slots = fired_by_the_minute_at_night(s, store, 1792800000000 + kMinute, 1793059200000);  // .. 2026-10-27T00:00Z
  CHECK(slots == std::vector<int64_t>{
                     1792801800000,  // 2026-10-24T00:30Z = 02:30 CEST
                     1792888200000,  // 2026-10-25T00:30Z = 02:30 CEST, first occurrence
                     1792978200000,  // 2026-10-26T01:30Z = 02:30 CET
                 });
}

TEST_CASE_FIXTURE(Fixture, "scheduler: the trigger names the cron and its zone") {
  apply("berlin", kBerlinNightly);
  Scheduler s({}, {});
  CHECK(s.poll(store, 1774656000000, {}).empty());
  auto t = s.poll(store, 1774661400000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].ion == "berlin");
  CHECK(t[0].node == "nightly");
  CHECK(t[0].reason == "cron 30 2 * * * (Europe/Berlin)");
}

namespace {

// Polls at every slot the scheduler announces, and a millisecond before each, up to `until`.
std::vector<int64_t> fired_at_announced_slots(Scheduler& s, store::Store& store, int64_t from, int64_t until) {
  std::vector<int64_t> slots;
  CHECK(s.poll(store, from, {}).empty());
  while (s.next_slot_ms() && s.next_slot_ms() <= until) {
    int64_t slot = s.next_slot_ms();
    CHECK(s.poll(store, slot - 1, {}).empty());
    CHECK(s.next_slot_ms() == slot);
    auto t = s.poll(store, slot, {});
    REQUIRE(t.size() == 1);
    CHECK(t[0].start);
    CHECK(t[0].missed == 0);
    CHECK(t[0].slot_ms == slot);
    slots.push_back(slot);
    CHECK(s.next_slot_ms() > slot);
  }
  return slots;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scheduler: February 29 fires only in leap years") {
  apply("leap", R"(    - name: leap
      pipeline: p
      schedule: {cron: "0 12 29 2 *"}
)");
  Scheduler s({}, {});
  CHECK(s.poll(store, 1772323200000, {}).empty());  // 2026-03-01T00:00Z
  CHECK(s.next_slot_ms() == 1835438400000);         // 2028-02-29T12:00Z
  // Around the end of February in a common year, and the days either side of the leap day.
  for (int64_t now : {1803816000000, 1803902400000, 1835352000000, 1835438400000 - 1})
    CHECK(s.poll(store, now, {}).empty());  // 2027-02-28T12Z, 2027-03-01T12Z, 2028-02-28T12Z, just before
  auto t = s.poll(store, 1835438400000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].slot_ms == 1835438400000);
  CHECK(t[0].missed == 0);
  CHECK(s.poll(store, 1835524800000, {}).empty());  // 2028-03-01T12:00Z
  CHECK(s.next_slot_ms() == 1961668800000);          // 2032-02-29T12:00Z
}

TEST_CASE_FIXTURE(Fixture, "scheduler: stepping from announced slot to announced slot finds every leap day") {
  apply("leap", R"(    - name: leap
      pipeline: p
      schedule: {cron: "0 12 29 2 *"}
)");
  Scheduler s({}, {});
  CHECK(fired_at_announced_slots(s, store, 1772323200000, 1961668800000) ==
        std::vector<int64_t>{1835438400000, 1961668800000});  // 2028-02-29T12:00Z, 2032-02-29T12:00Z
}

TEST_CASE_FIXTURE(Fixture, "scheduler: day 31 fires only in months that have one") {
  apply("ends", R"(    - name: ends
      pipeline: p
      schedule: {cron: "0 12 31 * *"}
)");
  Scheduler s({}, {});
  // From 2026-03-01T00:00Z to 2027-03-31T12:00Z.
  CHECK(fired_at_announced_slots(s, store, 1772323200000, 1806494400000) ==
        std::vector<int64_t>{
            1774958400000,  // 2026-03-31T12:00Z
            1780228800000,  // 2026-05-31
            1785499200000,  // 2026-07-31
            1788177600000,  // 2026-08-31
            1793448000000,  // 2026-10-31
            1798718400000,  // 2026-12-31
            1801396800000,  // 2027-01-31
            1806494400000,  // 2027-03-31
        });
  // Nothing on the last days of the shorter months in between.
  for (int64_t now : {1782820800000 /* 2026-06-30T12Z */, 1803816000000 /* 2027-02-28T12Z */})
    CHECK(s.poll(store, now, {}).empty());
}

namespace {

const char* kEveryTwoPolicies = R"(    - name: skip
      pipeline: p
      schedule: {every: 10m, missed: skip}
    - name: one
      pipeline: p
      schedule: {every: 10m, missed: run-one}
)";

constexpr int64_t kStart = 1774656200000;  // 2026-03-28T00:03:20Z
constexpr int64_t kSlot1 = 1774656600000;  // 2026-03-28T00:10:00Z, the first multiple of 10 minutes after it
constexpr int64_t kEvery = 10 * kMinute;

// Drives both nodes from kStart through the slots up to 01:00Z, each fired on time.
void run_to_one_o_clock(Fixture& f, Scheduler& s) {
  CHECK(s.poll(f.store, kStart, {}).empty());
  CHECK(f.stored_slot("every", "skip") == kStart);
  CHECK(f.stored_slot("every", "one") == kStart);
  CHECK(s.next_slot_ms() == kSlot1);
  for (int64_t slot = kSlot1; slot <= 1774659600000; slot += kEvery) {
    auto t = s.poll(f.store, slot, {});
    REQUIRE(t.size() == 2);
    for (const auto& x : t) {
      CHECK(x.start);
      CHECK(x.slot_ms == slot);
      CHECK(x.missed == 0);
      CHECK(x.reason == "every 10m");
    }
    CHECK(f.stored_slot("every", "skip") == slot);
    CHECK(s.poll(f.store, slot + 1000, {}).empty());
    CHECK(s.poll(f.store, slot + kEvery - 1, {}).empty());
    CHECK(s.next_slot_ms() == slot + kEvery);
  }
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scheduler: every 10m starts counting at the first poll and fires once per slot") {
  apply("every", kEveryTwoPolicies);
  Scheduler s({}, {});
  run_to_one_o_clock(*this, s);
}

TEST_CASE_FIXTURE(Fixture, "scheduler: after a 3 hour gap, skip reports the missed slots and run-one runs one") {
  apply("every", kEveryTwoPolicies);
  Scheduler s({}, {});
  run_to_one_o_clock(*this, s);
  // From the slot of 01:00Z, the clock jumps to 04:00:07Z: 18 slots (01:10 .. 04:00), the latest 7 s late.
  int64_t now = 1774670400000 + 7000;
  auto t = s.poll(store, now, {});
  auto skip = of(t, "skip"), one = of(t, "one");
  REQUIRE(skip.size() == 1);
  CHECK_FALSE(skip[0].start);
  CHECK(skip[0].missed == 18);
  CHECK(skip[0].slot_ms == 0);
  REQUIRE(one.size() == 1);
  CHECK(one[0].start);
  CHECK(one[0].missed == 17);
  CHECK(one[0].slot_ms == 1774670400000);
  CHECK(stored_slot("every", "skip") == now);
  CHECK(stored_slot("every", "one") == 1774670400000);
  // Nothing is reported twice, and the next slot is on time again for both.
  CHECK(s.poll(store, now + 1000, {}).empty());
  auto next = s.poll(store, 1774670400000 + kEvery, {});
  CHECK(next.size() == 2);
  for (const auto& x : next) {
    CHECK(x.start);
    CHECK(x.missed == 0);
  }
}

TEST_CASE_FIXTURE(Fixture, "scheduler: a slot polled within the grace fires under both missed policies") {
  apply("every", kEveryTwoPolicies);
  Scheduler s({}, {});
  run_to_one_o_clock(*this, s);

  SUBCASE("exactly on the slot") {
    auto t = s.poll(store, 1774670400000, {});  // 04:00:00Z
    REQUIRE(t.size() == 2);
    for (const auto& x : t) {
      CHECK(x.start);
      CHECK(x.slot_ms == 1774670400000);
      CHECK(x.missed == 17);
    }
  }
  SUBCASE("5 s late is still on time") {
    auto t = s.poll(store, 1774670400000 + 5000, {});
    REQUIRE(t.size() == 2);
    for (const auto& x : t) {
      CHECK(x.start);
      CHECK(x.missed == 17);
    }
  }
  SUBCASE("5.001 s late is missed") {
    auto t = s.poll(store, 1774670400000 + 5001, {});
    REQUIRE(of(t, "skip").size() == 1);
    CHECK_FALSE(of(t, "skip")[0].start);
    CHECK(of(t, "skip")[0].missed == 18);
    REQUIRE(of(t, "one").size() == 1);
    CHECK(of(t, "one")[0].start);
  }
}

TEST_CASE_FIXTURE(Fixture, "scheduler: a new scheduler continues from the stored timetable") {
  apply("every", kEveryTwoPolicies);
  {
    Scheduler s({}, {});
    CHECK(s.poll(store, kStart, {}).empty());
    CHECK(s.poll(store, kSlot1, {}).size() == 2);
  }
  SUBCASE("a slot already fired does not fire again") {
    Scheduler s({}, {});
    CHECK(s.poll(store, kSlot1 + 2000, {}).empty());
    CHECK(s.next_slot_ms() == kSlot1 + kEvery);
    CHECK(s.poll(store, kSlot1 + kEvery, {}).size() == 2);
  }
  SUBCASE("slots passed while no scheduler ran go to the missed policy") {
    Scheduler s({}, {});
    // 00:40:30Z: 00:20, 00:30 and 00:40 passed, the latest 30 s ago.
    auto t = s.poll(store, kSlot1 + 3 * kEvery + 30'000, {});
    REQUIRE(of(t, "skip").size() == 1);
    CHECK_FALSE(of(t, "skip")[0].start);
    CHECK(of(t, "skip")[0].missed == 3);
    REQUIRE(of(t, "one").size() == 1);
    CHECK(of(t, "one")[0].start);
    CHECK(of(t, "one")[0].slot_ms == kSlot1 + 3 * kEvery);
    CHECK(of(t, "one")[0].missed == 2);
  }
}

namespace {

const char* kTrainServe = R"(    - name: train
      pipeline: p
    - name: serve
      pipeline: p
      schedule: {on: model}
)";
const char* kTrainToServe = "    - {from: train, to: serve}\n";

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scheduler: a model delivered after the first poll triggers the node once") {
  auto ion = apply("flow", kTrainServe, kTrainToServe);
  std::ofstream(dir / "m.bin") << "weights";
  store::PushRequest req;
  req.path = dir / "m.bin";
  req.name = "m";
  req.actor = "tester";
  store.push(req);
  // Delivered before the scheduler started: someone else's to act on.
  REQUIRE(runtime::propagate(store, ion, "train", "m:1", 3000).size() == 1);

  Scheduler s({}, {});
  CHECK(s.poll(store, 4000, {}).empty());
  std::ofstream(dir / "m.bin") << "weights 2";
  auto v2 = store.push(req);
  REQUIRE(v2.version == 2);
  REQUIRE(runtime::propagate(store, ion, "train", "m:2", 5000).size() == 1);
  auto t = s.poll(store, 6000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].ion == "flow");
  CHECK(t[0].node == "serve");
  CHECK(t[0].reason == "model m:2 delivered");
  CHECK(t[0].start);
  CHECK(t[0].slot_ms == 6000);
  CHECK(s.poll(store, 7000, {}).empty());
}

TEST_CASE_FIXTURE(Fixture, "scheduler: deliveries to other nodes or IONs do not trigger an on: model node") {
  apply("flow", kTrainServe, kTrainToServe);
  Scheduler s({}, {});
  CHECK(s.poll(store, 4000, {}).empty());
  store::Stmt ins(store.catalog().handle(),
                  "INSERT INTO flow_events(ion, node, model, kind, reason, at_ms) VALUES"
                  "('flow', 'train', 'm:1', 'delivered', 'test', 0), ('other', 'serve', 'm:1', 'delivered', 'test', 0),"
                  "('flow', 'serve', 'm:1', 'pending', 'test', 0), ('flow', 'serve', 'm:3', 'delivered', 'test', 0)");
  ins.run();
  auto t = s.poll(store, 5000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].reason == "model m:3 delivered");
}

namespace {

const char* kOnDrift = R"(    - name: train
      pipeline: p
    - name: retrain
      pipeline: p
      schedule: {on: alert, alert: drift}
)";

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scheduler: on: alert fires for its ION's alerts of the name it waits for") {
  apply("watch", kOnDrift);
  apply("other", "    - {name: train, pipeline: p}\n");
  alert("watch", "drift");  // before the first poll: ignored
  Scheduler s({}, {});
  CHECK(s.poll(store, 1000, {}).empty());
  alert("watch", "latency");
  alert("other", "drift");
  CHECK(s.poll(store, 2000, {}).empty());
  alert("watch", "drift");
  auto t = s.poll(store, 3000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].ion == "watch");
  CHECK(t[0].node == "retrain");
  CHECK(t[0].reason == "alert drift");
  CHECK(t[0].slot_ms == 3000);
  CHECK(s.poll(store, 4000, {}).empty());
  alert("watch", "drift");
  alert("watch", "drift");
  CHECK(s.poll(store, 5000, {}).size() == 2);
}

TEST_CASE_FIXTURE(Fixture, "scheduler: on: alert without a name fires for any alert of its ION") {
  apply("watch", R"(    - name: retrain
      pipeline: p
      schedule: {on: alert}
)");
  Scheduler s({}, {});
  CHECK(s.poll(store, 1000, {}).empty());
  alert("watch", "latency");
  alert("elsewhere", "latency");
  auto t = s.poll(store, 2000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].reason == "alert latency");
}

TEST_CASE_FIXTURE(Fixture, "scheduler: a service is started whenever it is not running") {
  apply("svc", R"(    - name: api
      pipeline: p
      mode: service
)");
  Scheduler s({}, {});
  CHECK(runtime::node_key("svc", "api") == "svc/api");
  auto t = s.poll(store, 1000, {});
  REQUIRE(t.size() == 1);
  CHECK(t[0].node == "api");
  CHECK(t[0].reason == "service");
  CHECK(t[0].start);
  CHECK(t[0].slot_ms == 1000);
  CHECK(s.poll(store, 2000, {"svc/api"}).empty());
  CHECK(s.poll(store, 3000, {"svc/other", "other/api"}).size() == 1);
}

TEST_CASE("scheduler: placed_on") {
  ion::Node n;
  runtime::AgentIdentity local, gpu{"gpu-1", {{"tier", "edge"}, {"gpu", "a100"}}};
  SUBCASE("no placement is the local agent only") {
    CHECK(runtime::placed_on(n, local));
    CHECK_FALSE(runtime::placed_on(n, gpu));
  }
  SUBCASE("an agent name must match") {
    n.placement.agent = "gpu-1";
    CHECK(runtime::placed_on(n, gpu));
    CHECK_FALSE(runtime::placed_on(n, local));
    n.placement.agent = "local";
    CHECK(runtime::placed_on(n, local));
    CHECK_FALSE(runtime::placed_on(n, gpu));
  }
  SUBCASE("a selector needs every label, with its value") {
    n.placement.selector = {{"tier", "edge"}};
    CHECK(runtime::placed_on(n, gpu));
    CHECK_FALSE(runtime::placed_on(n, local));
    n.placement.selector = {{"tier", "edge"}, {"gpu", "a100"}};
    CHECK(runtime::placed_on(n, gpu));
    n.placement.selector = {{"tier", "edge"}, {"gpu", "h100"}};
    CHECK_FALSE(runtime::placed_on(n, gpu));
    n.placement.selector = {{"tier", "edge"}, {"zone", "eu"}};
    CHECK_FALSE(runtime::placed_on(n, gpu));
  }
}

TEST_CASE_FIXTURE(Fixture, "scheduler: an agent polls only the nodes placed on it, of the IONs it was given") {
  apply("svc", R"(    - name: here
      pipeline: p
      mode: service
    - name: named
      pipeline: p
      mode: service
      placement: {agent: gpu-1}
    - name: edge
      pipeline: p
      mode: service
      placement: {selector: {tier: edge}}
    - name: approve
      policy: {type: auto}
)");
  apply("svc2", "    - {name: here, pipeline: p, mode: service}\n");
  auto nodes = [&](Scheduler& s) {
    std::vector<std::string> out;
    for (const auto& t : s.poll(store, 1000, {})) out.push_back(runtime::node_key(t.ion, t.node));
    std::sort(out.begin(), out.end());
    return out;
  };
  Scheduler local({}, {});
  CHECK(nodes(local) == std::vector<std::string>{"svc/here", "svc2/here"});
  Scheduler gpu({"gpu-1", {{"tier", "edge"}}}, {});
  CHECK(nodes(gpu) == std::vector<std::string>{"svc/edge", "svc/named"});
  Scheduler only({}, {"svc2"});
  CHECK(nodes(only) == std::vector<std::string>{"svc2/here"});
}

// An ION deleted and applied again under the same name starts a new timetable, instead of run-one
// firing at once for the slots of the weeks it did not exist.
TEST_CASE_FIXTURE(Fixture, "scheduler: an ION deleted and applied again starts a new timetable") {
  apply("every", kEveryTwoPolicies);
  {
    Scheduler s({}, {});
    CHECK(s.poll(store, kStart, {}).empty());
    CHECK(s.poll(store, kSlot1, {}).size() == 2);
  }
  ion::delete_ion(store, "every");
  apply("every", kEveryTwoPolicies);
  Scheduler s({}, {});
  int64_t later = kSlot1 + 30 * kDay + kMinute;  // 2026-04-27T00:11Z
  CHECK(s.poll(store, later, {}).empty());
  CHECK(stored_slot("every", "one") == later);
  CHECK(s.next_slot_ms() == kSlot1 + 30 * kDay + kEvery);
}

TEST_CASE_FIXTURE(Fixture, "scheduler: a changed schedule starts a new timetable") {
  apply("every", kEveryTwoPolicies);
  Scheduler s({}, {});
  CHECK(s.poll(store, kStart, {}).empty());
  CHECK(s.poll(store, kSlot1, {}).size() == 2);
  std::string slower = kEveryTwoPolicies;
  slower.replace(slower.find("every: 10m, missed: run-one"), 27, "every: 15m, missed: run-one");
  apply("every", slower);
  int64_t later = kSlot1 + 3 * kHour + kMinute;  // the 10m slots since were never the 15m timetable's
  auto due = of(s.poll(store, later, {}), "one");
  CHECK(due.empty());
  CHECK(stored_slot("every", "one") == later);
  auto skip = of(s.poll(store, later, {}), "skip");
  CHECK(skip.empty());  // unchanged, and already told about its missed slots on the poll before
}

TEST_CASE_FIXTURE(Fixture, "scheduler: an edge on: alert starts its node from the alerts of the node it comes from") {
  apply("loop", R"(    - {name: train, pipeline: p, schedule: {every: 1h}}
    - {name: score, pipeline: p}
  edges:
    - {from: score, to: train, on: alert, alert: drift}
)");
  Scheduler s({}, {});
  CHECK(of(s.poll(store, 1000, {}), "score").empty());
  alert("loop", "drift");  // raised by node 'train' (the fixture's), not 'score'
  CHECK(of(s.poll(store, 2000, {}), "train").empty());
  store::Stmt(store.catalog().handle(),
              "INSERT INTO run_events(run, ion, node, kind, level, name, message, at_ms) VALUES "
              "('r2', 'loop', 'score', 'alert', 'warning', 'drift', 'x', 0), "
              "('r2', 'loop', 'score', 'alert', 'warning', 'drift', 'y', 0), "
              "('r2', 'loop', 'score', 'alert', 'warning', 'latency', 'z', 0)")
      .run();
  auto t = of(s.poll(store, 3000, {}), "train");
  REQUIRE(t.size() == 1);  // once per poll, however many alerts came
  CHECK(t[0].reason == "alert drift from score");
}
