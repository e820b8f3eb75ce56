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

class Timetable {
 public:
  static Timetable cron(const std::string& expression, const std::string& zone);
  // Every `seconds`, counted from `anchor_ms`.
  static Timetable every(int64_t seconds, int64_t anchor_ms);

  // The first slot strictly after `after_ms`, in ms since the epoch.
  int64_t next_after(int64_t after_ms) const;

 private:
  Timetable() = default;
  bool is_cron_ = false;
  Cron cron_;
  TimeZone zone_ = TimeZone::load("UTC");
  int64_t every_ms_ = 0, anchor_ms_ = 0;
};

enum class Missed { skip, run_one };

struct Due {
  bool fire = false;
  int64_t slot_ms = 0;  // the slot being fired (the latest one due)
  int64_t missed = 0;   // slots in (last, now] that will never run
  int64_t next_ms = 0;  // the first slot after now
};

// What to do at `now_ms`, given the last slot fired (or the moment scheduling began). The latest
// due slot is on time when now - slot <= grace_ms; skip fires only an on-time slot, run_one fires
// once for any number of due slots.
Due due(const Timetable& t, int64_t last_ms, int64_t now_ms, Missed policy, int64_t grace_ms = 60000);

}  // namespace mlops::schedule
