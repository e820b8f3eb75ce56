// IANA time zones read straight from the system's tzdata (TZif files under /usr/share/zoneinfo, or
// $TZDIR), including the POSIX rule in the file's footer for instants past its last transition.
// g++ 12 has no std::chrono::tzdb, and TZ= with localtime_r is process-global; this is neither.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlops::schedule {

struct LocalTime {
  int year = 1970, month = 1, day = 1;  // month 1-12, day 1-31
  int hour = 0, minute = 0, second = 0;
  int weekday = 4;  // 0-6, Sunday 0
  int offset_seconds = 0;  // local = UTC + offset
  bool dst = false;
};

class TimeZone {
 public:
  // "UTC" or an IANA name ("Europe/Berlin"). An unknown zone is a not-found error.
  static TimeZone load(const std::string& name);
  const std::string& name() const { return name_; }

  LocalTime to_local(int64_t utc_seconds) const;
  // The UTC instants showing this wall time, earliest first: none in a skipped hour, two in a
  // repeated one.
  std::vector<int64_t> from_local(int year, int month, int day, int hour, int minute, int second = 0) const;
  // For a wall time in a skipped hour: the first instant after the skip (the transition).
  int64_t gap_end(int year, int month, int day, int hour, int minute, int second = 0) const;

 private:
  std::string name_;
  // Filled by load(): transitions and the footer rule (implementation's choice).
  struct Data;
  std::vector<int64_t> transitions_;
  std::vector<int> offsets_;     // offsets_[i] holds from transitions_[i] on
  std::vector<bool> dsts_;
  int initial_offset_ = 0;
  std::string footer_;  // POSIX TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"
};

}  // namespace mlops::schedule
