// IANA time zones read straight from the system's tzdata (TZif files under /usr/share/zoneinfo, or
// $TZDIR), including the POSIX rule in the file's footer for instants past its last transition.
// g++ 12 has no std::chrono::tzdb, and TZ= with localtime_r is process-global; this is neither.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // "UTC" or an IANA name ("Europe/Berlin"). "UTC" and "Etc/UTC" need no tzdata. An unknown zone is
  // a not-found error; a file that is not valid TZif data is an error naming the zone.
  static TimeZone load(const std::string& name);
  // The same from the bytes of a TZif file (versions 1 to 4); never reads outside `tzif`.
  static TimeZone parse(const std::string& name, std::string_view tzif);
  const std::string& name() const { return name_; }

  // Throws for instants more than about a billion years from 1970.
  LocalTime to_local(int64_t utc_seconds) const;
  // The UTC instants showing this wall time, earliest first: none in a skipped hour, two in a
  // repeated one. Out-of-range fields carry over (month 13 is January of the next year).
  std::vector<int64_t> from_local(int year, int month, int day, int hour, int minute, int second = 0) const;
  // For a wall time in a skipped hour: the first instant after the skip (the transition). For any
  // other wall time: its earliest instant.
  int64_t gap_end(int year, int month, int day, int hour, int minute, int second = 0) const;

 private:
  // The footer's POSIX TZ rule, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". Offsets are east-positive like
  // LocalTime's, although POSIX writes them west-positive.
  struct Rule {
    struct Date {
      char kind = 'M';  // 'J': Jn (1-365, Feb 29 never counted), 'D': n (0-365), 'M': Mm.w.d
      int day = 0, month = 0, week = 0, weekday = 0;
      int time = 7200;  // seconds after local midnight; negative or past 24h in TZif v3
    };
    int std_offset = 0, dst_offset = 0;
    bool has_dst = false;
    Date start, end;
    static std::optional<Rule> parse(std::string_view text);
  };
  struct Offset {
    int offset = 0;
    bool dst = false;
  };
  struct Change {
    int64_t at = 0;  // UTC seconds
    Offset to;
  };
  // The rule's changes in `year`: DST start, then DST end. Only for a rule with DST.
  static std::array<Change, 2> rule_changes(const Rule& rule, int64_t year);
  static Offset rule_offset(const Rule& rule, int64_t utc_seconds);
  Offset offset_at(int64_t utc_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // strictly increasing
  std::vector<Offset> offsets_;       // offsets_[i] holds from transitions_[i] on
  Offset initial_;                    // before the first transition
  std::optional<Rule> footer_;        // after the last transition (or always, without any)
  std::vector<int> all_offsets_;      // every offset the zone can show, for from_local
};

// Calendar arithmetic on the proleptic Gregorian calendar, days counted from 1970-01-01.
// Out-of-range months and days carry over.
int64_t days_from_civil(int64_t year, int month, int day);
struct CivilDate {
  int64_t year = 1970;
  int month = 1, day = 1;
};
CivilDate civil_from_days(int64_t days);
int days_in_month(int64_t year, int month);  // month 1-12
inline int weekday_of_days(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }

}  // namespace mlops::schedule
