// Schedules as ION manifests write them: 5-field cron expressions (minute hour day-of-month month
// day-of-week, with names, ranges, steps and lists), IANA time zones, and 'every' durations.
// This file parses and validates; computing fire times belongs to the scheduler.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>

namespace mlops::schedule {

struct Cron {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;    // 1-31
  std::bitset<13> months;  // 1-12
  std::bitset<7> weekdays; // 0-6, Sunday 0 (7 is accepted as Sunday)
  bool any_day = true;     // day-of-month field was '*'
  bool any_weekday = true; // day-of-week field was '*'
};

// Throws a usage error whose message says which field is wrong and why, e.g.
// "invalid cron '0 25 * * 2': hour 25 is out of range 0-23".
Cron parse_cron(const std::string& text);

// "5m", "90s", "1h30m", "2d" -> seconds. Throws a usage error for anything else or zero.
int64_t parse_duration(const std::string& text);

// True when `name` is a time zone in the system's IANA database (tzdata), e.g. "Europe/Berlin".
bool is_time_zone(const std::string& name);
// The closest known zone name, for "did you mean".
std::string closest_time_zone(const std::string& name);

}  // namespace mlops::schedule
