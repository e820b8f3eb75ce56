#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

#include "../temp_dir.hpp"
#include "util/error.hpp"

using namespace mlops::schedule;
using mlops::util::Error;
using mlops::util::Exit;

// Expected instants below were computed independently with Python's zoneinfo (or by hand where its
// footer arithmetic is off: zero-based n days and J59 in leap years).

namespace {

std::string local_text(const TimeZone& z, int64_t t) {
  LocalTime l = z.to_local(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d wd%d %+d%s", l.year, l.month, l.day, l.hour, l.minute,
                l.second, l.weekday, l.offset_seconds, l.dst ? " dst" : "");
  return buf;
}

std::string be(uint64_t v, int bytes) {
  std::string s;
  for (int i = bytes - 1; i >= 0; --i) s += static_cast<char>(v >> (8 * i) & 0xff);
  return s;
}

struct Type {
  int32_t offset;
  bool dst;
};

// A TZif file as zic writes one: a 32-bit block, then (from version 2) a 64-bit block and a footer.
std::string tzif(const std::vector<int64_t>& times, const std::vector<int>& types_of, const std::vector<Type>& types,
                 const std::string& footer, char version = '2') {
  auto block = [&](int size) {
    std::string header = std::string("TZif") + version + std::string(15, '\0');
    for (uint64_t n : {uint64_t{0}, uint64_t{0}, uint64_t{0}, uint64_t{times.size()}, uint64_t{types.size()}, uint64_t{4}})
      header += be(n, 4);
    std::string data;
    for (int64_t t : times) data += be(static_cast<uint64_t>(t), size);
    for (int i : types_of) data += static_cast<char>(i);
    for (const Type& t : types) data += be(static_cast<uint32_t>(t.offset), 4) + static_cast<char>(t.dst) + '\0';
    return header + data + std::string("XST", 4);
  };
  if (version == '\0') return block(4);
  return block(4) + block(8) + "\n" + footer + "\n";
}

std::string footer_only(const std::string& footer) { return tzif({}, {}, {{0, false}}, footer); }

std::string read_error(std::string_view bytes) {
  try {
    TimeZone::parse("Test/Zone", bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string system_zone_file(const std::string& name) {
  std::ifstream f("/usr/share/zoneinfo/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Sets TZDIR for one test and puts the old value back.
class ScopedTzdir {
 public:
  explicit ScopedTzdir(const std::string& dir) {
    if (const char* old = std::getenv("TZDIR")) old_ = old;
    ::setenv("TZDIR", dir.c_str(), 1);
  }
  ~ScopedTzdir() {
    if (old_.empty()) ::unsetenv("TZDIR");
    else ::setenv("TZDIR", old_.c_str(), 1);
  }

 private:
  std::string old_;
};

}  // namespace

TEST_SUITE_BEGIN("schedule");

TEST_CASE("zone: UTC needs no tzdata, other zones come from TZDIR") {
  mlops::testing::TempDir dir;
  ScopedTzdir tzdir(dir.path());
  CHECK(local_text(TimeZone::load("UTC"), 0) == "1970-01-01 00:00:00 wd4 +0");
  CHECK(local_text(TimeZone::load("Etc/UTC"), -1) == "1969-12-31 23:59:59 wd3 +0");
  try {
    TimeZone::load("Europe/Berlin");
    FAIL("loaded a zone missing from TZDIR");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
    CHECK(std::string(e.what()) == "unknown time zone 'Europe/Berlin'");
  }
  std::filesystem::create_directories(dir / "Test");
  std::ofstream(dir / "Test/Zone", std::ios::binary) << system_zone_file("Europe/Berlin");
  std::ofstream(dir / "zone.tab") << "# not a zone\n";
  TimeZone z = TimeZone::load("Test/Zone");
  CHECK(z.name() == "Test/Zone");
  CHECK(local_text(z, 1774746000) == "2026-03-29 03:00:00 wd0 +7200 dst");
  CHECK_THROWS_AS(TimeZone::load("zone.tab"), Error);
  CHECK_THROWS_AS(TimeZone::load("Test"), Error);  // a directory
}

TEST_CASE("zone: unknown names are not-found errors") {
  for (std::string name : {"Europe/Berln", "", "../../../../etc/passwd", "/etc/localtime", "Europe"}) {
    CAPTURE(name);
    try {
      TimeZone::load(name);
      FAIL("loaded an unknown zone");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::not_found);
      CHECK(std::string(e.what()) == "unknown time zone '" + name + "'");
    }
  }
}

TEST_CASE("zone: Europe/Berlin around its 2026 transitions") {
  TimeZone z = TimeZone::load("Europe/Berlin");
  CHECK(local_text(z, 1774745999) == "2026-03-29 01:59:59 wd0 +3600");
  CHECK(local_text(z, 1774746000) == "2026-03-29 03:00:00 wd0 +7200 dst");
  CHECK(local_text(z, 1792888200) == "2026-10-25 02:30:00 wd0 +7200 dst");
  CHECK(local_text(z, 1792891800) == "2026-10-25 02:30:00 wd0 +3600");
  // 02:30 is skipped in March and shown twice in October.
  CHECK(z.from_local(2026, 3, 29, 2, 30).empty());
  CHECK(z.gap_end(2026, 3, 29, 2, 30) == 1774746000);
  CHECK(z.gap_end(2026, 3, 29, 2, 0) == 1774746000);
  CHECK(z.from_local(2026, 10, 25, 2, 30) == std::vector<int64_t>{1792888200, 1792891800});
  CHECK(z.from_local(2026, 3, 29, 1, 59, 59) == std::vector<int64_t>{1774745999});
  CHECK(z.from_local(2026, 3, 29, 3, 0) == std::vector<int64_t>{1774746000});
  CHECK(z.gap_end(2026, 3, 29, 3, 0) == 1774746000);  // not in a gap: the instant itself
}

TEST_CASE("zone: America/New_York and Australia/Lord_Howe's half-hour shift") {
  TimeZone ny = TimeZone::load("America/New_York");
  CHECK(local_text(ny, 1772953199) == "2026-03-08 01:59:59 wd0 -18000");
  CHECK(local_text(ny, 1772953200) == "2026-03-08 03:00:00 wd0 -14400 dst");
  CHECK(local_text(ny, 1793512799) == "2026-11-01 01:59:59 wd0 -14400 dst");
  CHECK(local_text(ny, 1793512800) == "2026-11-01 01:00:00 wd0 -18000");
  CHECK(ny.from_local(2026, 3, 8, 2, 30).empty());
  CHECK(ny.gap_end(2026, 3, 8, 2, 30) == 1772953200);
  CHECK(ny.from_local(2026, 11, 1, 1, 30) == std::vector<int64_t>{1793511000, 1793514600});

  TimeZone lh = TimeZone::load("Australia/Lord_Howe");
  CHECK(local_text(lh, 1791041399) == "2026-10-04 01:59:59 wd0 +37800");
  CHECK(local_text(lh, 1791041400) == "2026-10-04 02:30:00 wd0 +39600 dst");
  CHECK(local_text(lh, 1775314799) == "2026-04-05 01:59:59 wd0 +39600 dst");
  CHECK(local_text(lh, 1775314800) == "2026-04-05 01:30:00 wd0 +37800");
  CHECK(lh.from_local(2026, 10, 4, 2, 15).empty());
  CHECK(lh.from_local(2026, 10, 4, 2, 30) == std::vector<int64_t>{1791041400});
  CHECK(lh.gap_end(2026, 10, 4, 2, 15) == 1791041400);
  CHECK(lh.from_local(2026, 4, 5, 1, 45) == std::vector<int64_t>{1775313900, 1775315700});
  CHECK(lh.from_local(2026, 4, 5, 2, 0) == std::vector<int64_t>{1775316600});
}

TEST_CASE("zone: far-future instants follow the footer rule") {
  TimeZone berlin = TimeZone::load("Europe/Berlin");
  CHECK(local_text(berlin, 2382523200) == "2045-07-01 14:00:00 wd6 +7200 dst");
  CHECK(local_text(berlin, 2374102799) == "2045-03-26 01:59:59 wd0 +3600");
  CHECK(local_text(berlin, 2374102800) == "2045-03-26 03:00:00 wd0 +7200 dst");
  CHECK(berlin.gap_end(2045, 3, 26, 2, 30) == 2374102800);
  CHECK(berlin.from_local(2045, 10, 29, 2, 30) == std::vector<int64_t>{2392849800, 2392853400});
  TimeZone ny = TimeZone::load("America/New_York");
  CHECK(local_text(ny, 2368094400) == "2045-01-15 07:00:00 wd0 -18000");
  CHECK(local_text(ny, 2372914800) == "2045-03-12 03:00:00 wd0 -14400 dst");
  CHECK(ny.from_local(2045, 11, 5, 1, 30) == std::vector<int64_t>{2393472600, 2393476200});
  // Southern hemisphere: DST spans New Year, and starts on the first Sunday of October (the 1st).
  TimeZone lh = TimeZone::load("Australia/Lord_Howe");
  CHECK(local_text(lh, 2390484600) == "2045-10-02 02:30:00 wd1 +39600 dst");
  CHECK(lh.gap_end(2045, 10, 1, 2, 15) == 2390398200);
  CHECK(lh.from_local(2046, 4, 1, 1, 45) == std::vector<int64_t>{2406120300, 2406122100});
}

TEST_CASE("zone: POSIX rule forms in the footer") {
  // Jn never counts Feb 29 (J60 is March 1); n counts it from zero (59 is Feb 29 in a leap year).
  TimeZone j = TimeZone::parse("J", footer_only("XST3XDT,J60/2,J300/2"));
  CHECK(j.gap_end(2028, 3, 1, 2, 30) == 1835499600);
  CHECK(local_text(j, 1835499600) == "2028-03-01 03:00:00 wd3 -7200 dst");
  CHECK(local_text(j, 1856232000) == "2028-10-27 01:00:00 wd5 -10800");
  TimeZone j59 = TimeZone::parse("J59", footer_only("XST3XDT,J59/2,J300/2"));
  CHECK(j59.gap_end(2028, 2, 28, 2, 30) == 1835326800);
  TimeZone n = TimeZone::parse("n", footer_only("XST3XDT,59/2,299/2"));
  CHECK(n.gap_end(2027, 3, 1, 2, 30) == 1803877200);
  CHECK(n.gap_end(2028, 2, 29, 2, 30) == 1835413200);
  CHECK(local_text(n, 1856145600) == "2028-10-26 01:00:00 wd4 -10800");
  // TZif v3 times: 26:00 on a Thursday is 02:00 on the Friday; -1 is 23:00 the day before.
  TimeZone il = TimeZone::parse("Israel", footer_only("IST-2IDT,M3.4.4/26,M10.5.0"));
  CHECK(local_text(il, 2373926400) == "2045-03-24 03:00:00 wd5 +10800 dst");
  CHECK(local_text(il, 2373926399) == "2045-03-24 01:59:59 wd5 +7200");
  CHECK(local_text(il, 2392844400) == "2045-10-29 01:00:00 wd0 +7200");
  TimeZone gl = TimeZone::parse("Greenland", footer_only("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
  CHECK(local_text(gl, 2374102800) == "2045-03-26 00:00:00 wd0 -3600 dst");
  CHECK(gl.gap_end(2045, 3, 25, 23, 30) == 2374102800);
  CHECK(local_text(gl, 2392851600) == "2045-10-28 23:00:00 wd6 -7200");
  // No rule after the DST name: the US one, as tzcode assumes.
  TimeZone us = TimeZone::parse("US", footer_only("EST5EDT"));
  CHECK(us.gap_end(2026, 3, 8, 2, 30) == 1772953200);
  TimeZone fixed = TimeZone::parse("Tehran", footer_only("<+0330>-3:30"));
  CHECK(local_text(fixed, 0) == "1970-01-01 03:30:00 wd4 +12600");
  CHECK(fixed.from_local(2045, 1, 1, 0, 0) == std::vector<int64_t>{2366829000});
}

TEST_CASE("zone: transitions without a footer, in version 1 and 2 files") {
  std::vector<Type> types{{3600, false}, {7200, true}};
  for (char version : {'\0', '2'}) {
    CAPTURE(static_cast<int>(version));
    TimeZone z = TimeZone::parse("T", tzif({1000000, 2000000}, {1, 0}, types, "", version));
    CHECK(z.to_local(999999).offset_seconds == 3600);  // before the first transition: type 0
    CHECK(z.to_local(1000000).offset_seconds == 7200);
    CHECK(z.to_local(1999999).dst);
    CHECK(z.to_local(2000000).offset_seconds == 3600);
    CHECK(z.to_local(4000000000).offset_seconds == 3600);  // after the last: its type
  }
}

TEST_CASE("zone: malformed TZif data is an error naming the zone") {
  std::vector<Type> types{{3600, false}, {7200, true}};
  CHECK(read_error("") == "cannot read time zone 'Test/Zone': not TZif data");
  CHECK(read_error("TZif2") == "cannot read time zone 'Test/Zone': not TZif data");
  std::string good = tzif({1000000}, {1}, types, "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(read_error(good) == "no error");
  CHECK(read_error(good.substr(0, good.size() - 1)) == "cannot read time zone 'Test/Zone': unterminated footer");
  CHECK(read_error(tzif({1000000}, {2}, types, "")) ==
        "cannot read time zone 'Test/Zone': transition to an undefined local time type");
  CHECK(read_error(tzif({2000000, 1000000}, {1, 0}, types, "")) ==
        "cannot read time zone 'Test/Zone': transitions out of order");
  CHECK(read_error(tzif({}, {}, {{100000, false}}, "")) == "cannot read time zone 'Test/Zone': UT offset out of range");
  CHECK(read_error(tzif({}, {}, {}, "")) == "cannot read time zone 'Test/Zone': bad count of local time types");
  for (std::string rule : {"CET-1CEST,M3.5.0", "CET", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0/168",
                           "<+01-1", "CET-25", "CET-1CEST,J0,J365", "CET-1CEST,M3.5.0,M10.5.0 "}) {
    CAPTURE(rule);
    CHECK(read_error(footer_only(rule)) == "cannot read time zone 'Test/Zone': invalid rule '" + rule + "' in footer");
  }
  try {
    TimeZone::parse("Test/Zone", "");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::error);
  }
}

TEST_CASE("zone: every truncation and random corruption of a real file is refused or read safely") {
  std::string berlin = system_zone_file("Europe/Berlin");
  REQUIRE(berlin.size() > 100);
  for (size_t n = 0; n < berlin.size(); ++n) CHECK_THROWS_AS(TimeZone::parse("Europe/Berlin", berlin.substr(0, n)), Error);
  std::mt19937 random(20260329);
  int read = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = berlin;
    for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips)
      bytes[random() % bytes.size()] = static_cast<char>(random() % 256);
    try {
      TimeZone z = TimeZone::parse("Europe/Berlin", bytes);
      ++read;
      for (int64_t t : {int64_t{-5000000000}, int64_t{0}, int64_t{1774746000}, int64_t{2382523200}}) z.to_local(t);
      z.from_local(2026, 3, 29, 2, 30);
      z.gap_end(2045, 3, 26, 2, 30);
    } catch (const Error&) {
    }
  }
  CHECK(read > 0);  // most corruptions land in transition times, which still make a zone
}

TEST_CASE("zone: random footer rules are refused or read safely") {
  const std::string alphabet = "MJ0123456789.,/-+:<>ESTDC";
  std::mt19937 random(20261025);
  int read = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string rule = round % 2 ? "EST5EDT" : "<+1030>-10:30<+11>-11";
    if (round % 3) rule.clear();
    for (int n = static_cast<int>(random() % 24); n > 0; --n) rule += alphabet[random() % alphabet.size()];
    try {
      TimeZone z = TimeZone::parse("Random", footer_only(rule));
      ++read;
      for (int64_t t : {int64_t{-5000000000}, int64_t{0}, int64_t{2382523200}}) z.to_local(t);
      z.from_local(2045, 3, 26, 2, 30);
      z.gap_end(2045, 10, 1, 2, 15);
    } catch (const Error&) {
    }
  }
  CHECK(read > 0);
}

TEST_SUITE_END();
