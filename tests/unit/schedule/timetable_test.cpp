#include "schedule/timetable.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "util/error.hpp"

using namespace mlops::schedule;
using mlops::util::Error;
using mlops::util::Exit;

// Expected instants (seconds since the epoch) were computed independently with Python's zoneinfo,
// by walking every UTC minute and applying the DST rule: a skipped wall time fires at the end of
// the skip, a repeated one at its first occurrence.

namespace {

constexpr int64_t kMinute = 60000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t ms(int64_t seconds) { return seconds * 1000; }

// The slots in (from_s, to_s], in seconds.
std::vector<int64_t> slots(const Timetable& t, int64_t from_s, int64_t to_s) {
  std::vector<int64_t> out;
  for (int64_t ms = t.next_after(from_s * 1000); ms <= to_s * 1000; ms = t.next_after(ms)) out.push_back(ms / 1000);
  return out;
}

std::vector<int64_t> slots(const std::string& cron, const std::string& zone, int64_t from_s, int64_t to_s) {
  return slots(Timetable::cron(cron, zone), from_s, to_s);
}

std::string error_of(const std::string& cron, const std::string& zone = "UTC") {
  try {
    Timetable::cron(cron, zone);
  } catch (const Error& e) {
    return std::to_string(static_cast<int>(e.code())) + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE_BEGIN("schedule");

TEST_CASE("timetable: Europe/Berlin spring forward runs a skipped slot once, at the end of the skip") {
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z.
  CHECK(slots("30 2 * * *", "Europe/Berlin", 1774569600, 1774915200) ==
        std::vector<int64_t>{1774575000, 1774661400, 1774746000, 1774830600});
  // Four quarter-hours fall in the gap; the day gets a single run, at 03:00 CEST.
  CHECK(slots("*/15 2 * * *", "Europe/Berlin", 1774742400, 1774915200) ==
        std::vector<int64_t>{1774746000, 1774828800, 1774829700, 1774830600, 1774831500, 1774915200});
  // Asked from inside the gap's end, the slot just run is not repeated.
  Timetable t = Timetable::cron("30 2 * * *", "Europe/Berlin");
  CHECK(t.next_after(ms(1774746000) - 1) == ms(1774746000));
  CHECK(t.next_after(ms(1774746000)) == ms(1774830600));
}

TEST_CASE("timetable: Europe/Berlin fall back runs a repeated slot once, at its first occurrence") {
  // 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00Z, so 02:30 shows twice.
  CHECK(slots("30 2 * * *", "Europe/Berlin", 1792800000, 1792972800) == std::vector<int64_t>{1792801800, 1792888200});
  Timetable t = Timetable::cron("30 2 * * *", "Europe/Berlin");
  CHECK(t.next_after(ms(1792888200)) == ms(1792978200));  // not the second 02:30 at 01:30Z
  // Hourly: 02:00 runs in its first occurrence (00:00Z) only, so the 25-hour day has 24 runs.
  CHECK(slots("0 * * * *", "Europe/Berlin", 1792875599, 1792900800) ==
        std::vector<int64_t>{1792875600, 1792879200, 1792882800, 1792886400, 1792893600, 1792897200, 1792900800});
  CHECK(slots("0 * * * *", "Europe/Berlin", 1792879199, 1792969199).size() == 24);
}

TEST_CASE("timetable: America/New_York and Australia/Lord_Howe") {
  CHECK(slots("30 2 * * *", "America/New_York", 1772884800, 1773057600) == std::vector<int64_t>{1772953200, 1773037800});
  CHECK(slots("30 1 * * *", "America/New_York", 1793448000, 1793620800) == std::vector<int64_t>{1793511000, 1793601000});
  CHECK(slots("0 * * * *", "America/New_York", 1793501999, 1793520000) ==
        std::vector<int64_t>{1793502000, 1793505600, 1793509200, 1793516400, 1793520000});
  // Lord Howe moves its clocks by 30 minutes: 02:00 to 02:30 on 2026-10-04, 02:00 to 01:30 on 2026-04-05.
  CHECK(slots("15 2 * * *", "Australia/Lord_Howe", 1790942400, 1791144000) ==
        std::vector<int64_t>{1790955900, 1791041400, 1791126900});
  CHECK(slots("45 1 * * *", "Australia/Lord_Howe", 1775217600, 1775419200) ==
        std::vector<int64_t>{1775227500, 1775313900, 1775402100});
  CHECK(slots("*/30 * * * *", "Australia/Lord_Howe", 1791035999, 1791046800) ==
        std::vector<int64_t>{1791036000, 1791037800, 1791039600, 1791041400, 1791043200, 1791045000, 1791046800});
}

TEST_CASE("timetable: far-future slots past the zone's explicit transitions") {
  CHECK(slots("30 2 * * *", "Europe/Berlin", 2374012800, 2374185600) == std::vector<int64_t>{2374018200, 2374102800});
  CHECK(slots("30 2 * * *", "Europe/Berlin", 2392704000, 2392876800) == std::vector<int64_t>{2392763400, 2392849800});
  CHECK(slots("0 8 * * 1", "America/New_York", 2379974400, 2381616000) ==
        std::vector<int64_t>{2380276800, 2380881600, 2381486400});
}

TEST_CASE("timetable: month ends and leap days") {
  CHECK(slots("0 0 31 * *", "UTC", 1769817660, 1798758000) ==
        std::vector<int64_t>{1774915200, 1780185600, 1785456000, 1788134400, 1793404800, 1798675200});
  Timetable leap = Timetable::cron("0 12 29 2 *", "UTC");
  CHECK(leap.next_after(ms(1767225600)) == ms(1835438400));  // 2026 -> 2028-02-29
  CHECK(leap.next_after(ms(3981398400)) == ms(4233729600));  // 2096-03-01 -> 2104-02-29, 2100 is no leap year
  // Walking forward month by month keeps even that eight-year search quick.
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) leap.next_after(ms(3981398400) + i);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("timetable: day of month and day of week match either when both are restricted") {
  std::vector<int64_t> mondays{1770019200, 1770624000, 1771228800, 1771833600, 1772438400,
                               1773043200, 1773648000, 1774252800, 1774854000};
  CHECK(slots("0 9 * * 1", "Europe/Berlin", 1769904000, 1775001600) == mondays);
  CHECK(slots("0 9 13 * *", "Europe/Berlin", 1769904000, 1775001600) == std::vector<int64_t>{1770969600, 1773388800});
  std::vector<int64_t> either = mondays;
  either.insert(either.begin() + 2, 1770969600);
  either.insert(either.begin() + 7, 1773388800);
  CHECK(slots("0 9 13 * 1", "Europe/Berlin", 1769904000, 1775001600) == either);
  // February has no 31st, but it has Mondays.
  CHECK(slots("0 0 31 2 1", "UTC", 1767225600, 1772323200) ==
        std::vector<int64_t>{1769990400, 1770595200, 1771200000, 1771804800});
}

TEST_CASE("timetable: a cron that can never fire and an unknown zone are errors") {
  CHECK(error_of("0 0 31 2 *") == "2: cron '0 0 31 2 *' never fires");
  CHECK(error_of("0 0 30,31 2 *") == "2: cron '0 0 30,31 2 *' never fires");
  CHECK(error_of("0 0 31 4,6,9,11 *") == "2: cron '0 0 31 4,6,9,11 *' never fires");
  CHECK(error_of("0 0 31 2,3 *") == "no error");
  CHECK(error_of("0 0 * * *", "Mars/Olympus") == "3: unknown time zone 'Mars/Olympus'");
}

TEST_CASE("timetable: every counts from its anchor, never before it") {
  int64_t anchor = ms(1774746000) + 123;
  Timetable t = Timetable::every(300, anchor);
  CHECK(t.next_after(0) == anchor);
  CHECK(t.next_after(anchor - 1) == anchor);
  CHECK(t.next_after(anchor) == anchor + 300000);
  CHECK(t.next_after(anchor + 299999) == anchor + 300000);
  CHECK(t.next_after(anchor + 300000) == anchor + 600000);
  CHECK(t.next_after(anchor + 10 * kDay + 1) == anchor + 10 * kDay + 300000);
  CHECK_THROWS_AS(Timetable::every(0, anchor), Error);
  CHECK_THROWS_AS(Timetable::every(-5, anchor), Error);
}

TEST_CASE("timetable: due slots, missed slots and grace") {
  int64_t a = ms(1774746000);
  Timetable hourly = Timetable::every(3600, a);

  Due d = due(hourly, a, a + 30 * kMinute, Missed::skip);
  CHECK_FALSE(d.fire);
  CHECK(d.missed == 0);
  CHECK(d.next_ms == a + kHour);

  d = due(hourly, a, a + kHour, Missed::skip);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + kHour);
  CHECK(d.missed == 0);
  CHECK(d.next_ms == a + 2 * kHour);

  // Five minutes late with a minute's grace: skip waits for the next slot, run_one runs it now.
  d = due(hourly, a, a + kHour + 5 * kMinute, Missed::skip);
  CHECK_FALSE(d.fire);
  CHECK(d.slot_ms == a + kHour);
  CHECK(d.missed == 1);
  CHECK(d.next_ms == a + 2 * kHour);
  d = due(hourly, a, a + kHour + 5 * kMinute, Missed::run_one);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + kHour);
  CHECK(d.missed == 0);
  d = due(hourly, a, a + kHour + 5 * kMinute, Missed::skip, 10 * kMinute);
  CHECK(d.fire);

  // Three slots passed, the latest on time: it runs and the two before are missed.
  d = due(hourly, a, a + 3 * kHour + 20000, Missed::skip);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + 3 * kHour);
  CHECK(d.missed == 2);
  CHECK(d.next_ms == a + 4 * kHour);
}

TEST_CASE("timetable: a week-long outage") {
  int64_t a = ms(1774746000);
  Timetable minutely = Timetable::every(60, a);
  int64_t week = 7 * kDay;
  Due d = due(minutely, a, a + week + 30000, Missed::skip);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + week);
  CHECK(d.missed == 10079);
  CHECK(d.next_ms == a + week + kMinute);
  d = due(minutely, a, a + week + 30000, Missed::skip, 10000);
  CHECK_FALSE(d.fire);
  CHECK(d.missed == 10080);
  d = due(minutely, a, a + week + 30000, Missed::run_one, 10000);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + week);
  CHECK(d.missed == 10079);

  // The same outage on an hourly cron across the fall-back night: 168 real hours, but the repeated
  // 02:00 runs only once, so 167 slots.
  Timetable hourly = Timetable::cron("0 * * * *", "Europe/Berlin");
  int64_t before = ms(1792620000);  // 2026-10-22T00:00 CEST
  d = due(hourly, before, before + week + kMinute, Missed::run_one);
  CHECK(d.fire);
  CHECK(d.slot_ms == before + week);
  CHECK(d.missed == 166);
  CHECK(d.next_ms == before + week + kHour);

  // Too many cron slots to walk: the count stops at 100000, the latest slot is still exact.
  Timetable every_minute = Timetable::cron("* * * * *", "UTC");
  d = due(every_minute, a, a + 100 * kDay + 5000, Missed::run_one);
  CHECK(d.fire);
  CHECK(d.slot_ms == a + 100 * kDay);
  CHECK(d.missed == 99999);
  CHECK(d.next_ms == a + 100 * kDay + kMinute);
}

TEST_SUITE_END();
