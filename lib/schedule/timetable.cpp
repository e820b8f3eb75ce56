#include "schedule/timetable.hpp"

namespace mlops::schedule {

// Placeholder until the scheduler's timetable lands: intervals only.
Timetable Timetable::cron(const std::string& expression, const std::string&) {
  Timetable t;
  t.is_cron_ = true;
  t.cron_ = parse_cron(expression);
  return t;
}

Timetable Timetable::every(int64_t seconds, int64_t anchor_ms) {
  Timetable t;
  t.every_ms_ = seconds * 1000;
  t.anchor_ms_ = anchor_ms;
  return t;
}

int64_t Timetable::next_after(int64_t after_ms) const {
  if (after_ms < anchor_ms_) return anchor_ms_;
  return anchor_ms_ + ((after_ms - anchor_ms_) / every_ms_ + 1) * every_ms_;
}

Due due(const Timetable& t, int64_t last_ms, int64_t now_ms, Missed, int64_t) {
  Due d;
  int64_t slot = t.next_after(last_ms);
  d.fire = slot <= now_ms;
  d.slot_ms = slot;
  d.next_ms = t.next_after(now_ms);
  return d;
}

}  // namespace mlops::schedule
