#include "schedule/timetable.hpp"

#include <limits>

#include "util/error.hpp"

namespace mlops::schedule {

using util::Error;
using util::Exit;

namespace {

// Far enough for Feb 29 across a skipped leap year (2096 to 2104), near enough to fail fast.
constexpr int kSearchMonths = 10 * 12 + 1;
// Counting missed cron slots walks them one by one; past this many the exact number stops mattering.
constexpr int64_t kMaxCounted = 100000;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

Timetable Timetable::cron(const std::string& expression, const std::string& zone) {
  Timetable t;
  t.is_cron_ = true;
  t.expression_ = expression;
  t.cron_ = parse_cron(expression);
  t.zone_ = TimeZone::load(zone);
  // Only a restricted day of month alone can miss every month it allows (31 in February); say so
  // when the schedule is made rather than when it is first asked for a slot.
  if (!t.cron_.any_day && t.cron_.any_weekday) {
    bool possible = false;
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= days_in_month(2000, m); ++d) possible = possible || (t.cron_.months[m] && t.cron_.days[d]);
    if (!possible) throw Error(Exit::usage, "cron '" + expression + "' never fires");
  }
  return t;
}

Timetable Timetable::every(int64_t seconds, int64_t anchor_ms) {
  if (seconds <= 0 || seconds > std::numeric_limits<int64_t>::max() / 4000)
    throw Error(Exit::usage, "invalid interval of " + std::to_string(seconds) + " seconds: it must be longer than zero");
  Timetable t;
  t.every_ms_ = seconds * 1000;
  t.anchor_ms_ = anchor_ms;
  return t;
}

bool Timetable::day_matches(int day, int weekday) const {
  bool dom = cron_.days[static_cast<size_t>(day)], dow = cron_.weekdays[static_cast<size_t>(weekday)];
  if (cron_.any_day) return dow;  // '*' has every bit set, so a starred field alone never excludes
  if (cron_.any_weekday) return dom;
  return dom || dow;
}

int64_t Timetable::next_after(int64_t after_ms) const {
  if (!is_cron_) {
    if (after_ms < anchor_ms_) return anchor_ms_;
    return anchor_ms_ + ((after_ms - anchor_ms_) / every_ms_ + 1) * every_ms_;
  }
  // Walk matching wall-clock minutes forward from the local time of after_ms. Each maps to its
  // earliest instant, or to the end of the skip when the clock jumps over it; the first such
  // instant past after_ms is the slot. So a skipped or repeated wall time yields one slot.
  LocalTime start = zone_.to_local(floor_div(after_ms, 1000));
  int64_t year = start.year;
  int month = start.month;
  for (int walked = 0; walked < kSearchMonths; ++walked) {
    if (cron_.months[static_cast<size_t>(month)]) {
      int64_t first_day = days_from_civil(year, month, 1);
      int dim = days_in_month(year, month);
      for (int day = walked == 0 ? start.day : 1; day <= dim; ++day) {
        if (!day_matches(day, weekday_of_days(first_day + day - 1))) continue;
        bool today = walked == 0 && day == start.day;
        for (int hour = today ? start.hour : 0; hour < 24; ++hour) {
          if (!cron_.hours[static_cast<size_t>(hour)]) continue;
          for (int minute = today && hour == start.hour ? start.minute : 0; minute < 60; ++minute) {
            if (!cron_.minutes[static_cast<size_t>(minute)]) continue;
            int y = static_cast<int>(year);
            std::vector<int64_t> at = zone_.from_local(y, month, day, hour, minute);
            int64_t slot = (at.empty() ? zone_.gap_end(y, month, day, hour, minute) : at.front()) * 1000;
            if (slot > after_ms) return slot;
          }
        }
      }
    }
    if (++month > 12) {
      month = 1;
      ++year;
    }
  }
  throw Error(Exit::usage, "cron '" + expression_ + "' never fires");
}

Due due(const Timetable& t, int64_t last_ms, int64_t now_ms, Missed policy, int64_t grace_ms) {
  Due d;
  int64_t first = t.next_after(last_ms);
  if (first > now_ms) {
    d.next_ms = first;
    return d;
  }
  int64_t count = 1, latest = first;
  if (!t.is_cron_) {
    count = (now_ms - first) / t.every_ms_ + 1;
    latest = first + (count - 1) * t.every_ms_;
  } else {
    for (int64_t next = t.next_after(latest); next <= now_ms && count < kMaxCounted; next = t.next_after(latest)) {
      latest = next;
      ++count;
    }
    if (count == kMaxCounted) {
      // Too many to walk: find the latest slot by bisection. next_after(p) <= now holds at
      // p = last and fails at p = now, and the latest slot is next_after of the last p where it holds.
      int64_t lo = latest, hi = now_ms;
      while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        (t.next_after(mid) <= now_ms ? lo : hi) = mid;
      }
      latest = t.next_after(lo);
    }
  }
  bool on_time = now_ms - latest <= grace_ms;
  d.fire = policy == Missed::run_one || on_time;
  d.slot_ms = latest;
  d.missed = d.fire ? count - 1 : count;
  d.next_ms = t.next_after(now_ms);
  return d;
}

}  // namespace mlops::schedule
