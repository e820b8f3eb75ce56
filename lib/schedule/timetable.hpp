// When scheduled pipeline nodes fire: cron expressions in a time zone, or fixed intervals, and what
// to do about slots missed while nothing was running. Pure functions of time: the scheduler calls
// them with its (injectable) clock.
//
// The DST rule: a slot whose wall time falls in a skipped hour fires once, at the end of the skip;
// a slot whose wall time occurs twice fires once, at its first occurrence.
#pragma once

#include <cstdint>
#include <string>

#include "schedule/cron.hpp"
#include "schedule/zone.hpp"

namespace mlops::schedule {

enum class Missed;
struct Due;

class Timetable {
 public:
  // Slots at second 0 of the minutes the expression matches in the zone's wall-clock time; day of
  // month and day of week match either when both are restricted, as in Vixie cron. Throws a usage
  // error for an expression that can never fire (0 0 31 2 *) and not-found for an unknown zone.
  static Timetable cron(const std::string& expression, const std::string& zone);
  // Every `seconds`, counted from `anchor_ms`: slots at anchor + k * seconds for k >= 0 only.
  // Throws a usage error unless seconds > 0.
  static Timetable every(int64_t seconds, int64_t anchor_ms);

  // The first slot strictly after `after_ms`, in ms since the epoch. Cron slots are searched for
  // ten years ahead; finding none is a usage error.
  int64_t next_after(int64_t after_ms) const;

 private:
  friend Due due(const Timetable&, int64_t, int64_t, Missed, int64_t);
  Timetable() = default;
  bool day_matches(int day, int weekday) const;
  bool is_cron_ = false;
  std::string expression_;
  Cron cron_;
  TimeZone zone_ = TimeZone::load("UTC");
  int64_t every_ms_ = 0, anchor_ms_ = 0;
};

enum class Missed { skip, run_one };

struct Due {
  bool fire = false;
  int64_t slot_ms = 0;  // the latest slot due, the one fired when firing; 0 when none is due
  int64_t missed = 0;   // slots in (last, now] that will never run
  int64_t next_ms = 0;  // the first slot after now
};

// What to do at `now_ms`, given the last slot fired (or the moment scheduling began). The latest
// due slot is on time when now - slot <= grace_ms; skip fires only an on-time slot, run_one fires
// once for any number of due slots. Missed cron slots are counted up to 100000; intervals exactly.
Due due(const Timetable& t, int64_t last_ms, int64_t now_ms, Missed policy, int64_t grace_ms = 60000);

}  // namespace mlops::schedule
