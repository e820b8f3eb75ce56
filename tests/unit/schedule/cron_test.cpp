#include "schedule/cron.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::schedule;

static std::string cron_error(const std::string& text) {
  try {
    parse_cron(text);
  } catch (const mlops::util::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST_CASE("cron fields: stars, lists, ranges, steps and names") {
  auto c = parse_cron("0 10 * * TUE");
  CHECK(c.minutes.count() == 1);
  CHECK(c.minutes[0]);
  CHECK(c.hours[10]);
  CHECK(c.any_day);
  CHECK_FALSE(c.any_weekday);
  CHECK(c.weekdays[2]);
  c = parse_cron("*/15 9-17 1,15 jan-mar 7");
  CHECK(c.minutes.count() == 4);
  CHECK(c.hours.count() == 9);
  CHECK(c.days[1]);
  CHECK(c.days[15]);
  CHECK(c.months.count() == 3);
  CHECK(c.weekdays[0]);  // 7 is Sunday too
  CHECK(parse_cron("5/20 * * * *").minutes.count() == 3);
}

TEST_CASE("bad cron expressions say what is wrong") {
  CHECK(cron_error("0 10 * *") ==
        "invalid cron '0 10 * *': expected 5 fields (minute hour day-of-month month day-of-week), found 4");
  CHECK(cron_error("0 25 * * 2") == "invalid cron '0 25 * * 2': hour 25 is out of range 0-23");
  CHECK(cron_error("0 10 * * FUN") == "invalid cron '0 10 * * FUN': 'FUN' is not a valid day of week");
  CHECK(cron_error("*/0 * * * *") == "invalid cron '*/0 * * * *': step '0' in the minute field must be a positive number");
  CHECK(cron_error("0 17-9 * * *") == "invalid cron '0 17-9 * * *': range '17-9' in the hour field runs backwards");
  CHECK(cron_error("0 0 0 * *") == "invalid cron '0 0 0 * *': day of month 0 is out of range 1-31");
}

TEST_CASE("durations") {
  CHECK(parse_duration("5m") == 300);
  CHECK(parse_duration("1h30m") == 5400);
  CHECK(parse_duration("2d") == 172800);
  CHECK_THROWS_AS(parse_duration("5"), mlops::util::Error);
  CHECK_THROWS_AS(parse_duration("m"), mlops::util::Error);
  CHECK_THROWS_AS(parse_duration("0s"), mlops::util::Error);
  CHECK_THROWS_AS(parse_duration("5 m"), mlops::util::Error);
}

TEST_CASE("time zones come from the IANA database") {
  CHECK(is_time_zone("UTC"));
  CHECK(is_time_zone("Europe/Berlin"));
  CHECK(is_time_zone("America/New_York"));
  CHECK_FALSE(is_time_zone("Europe/Berln"));
  CHECK_FALSE(is_time_zone("../etc/passwd"));
  CHECK_FALSE(is_time_zone("Europe"));
  CHECK(closest_time_zone("Europe/Berln") == "Europe/Berlin");
}
