// The POSIX TZ rule in a TZif footer, and the calendar arithmetic it needs.
#include <algorithm>
#include <cctype>

#include "schedule/zone.hpp"

namespace mlops::schedule {

// Howard Hinnant's civil-from-days algorithms: exact for any int64 day count we accept.
int64_t days_from_civil(int64_t year, int month, int day) {
  int64_t m0 = static_cast<int64_t>(month) - 1;
  year += m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
  int64_t m = ((m0 % 12) + 12) % 12 + 1;
  int64_t y = m <= 2 ? year - 1 : year;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (static_cast<int64_t>(day) - 1);
}

CivilDate civil_from_days(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilDate c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  return c;
}

static bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int64_t year, int month) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

namespace {

// A cursor over the rule text; every read checks the end, so any input is safe.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool number(int max, int& out) {
    size_t start = i;
    long long v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 4) v = v * 10 + (s[i++] - '0');
    if (i == start || v > max) return false;
    out = static_cast<int>(v);
    return true;
  }
};

// "CET", or "<+1030>" for names that are not purely alphabetic.
bool parse_name(Cursor& c) {
  size_t start = c.i;
  if (c.eat('<')) {
    while (!c.done() && (std::isalnum(static_cast<unsigned char>(c.peek())) || c.peek() == '+' || c.peek() == '-')) ++c.i;
    return c.i > start + 1 && c.eat('>');
  }
  while (!c.done() && std::isalpha(static_cast<unsigned char>(c.peek()))) ++c.i;
  return c.i - start >= 3;
}

// [+-]hh[:mm[:ss]] in seconds; hours up to `max_hours`.
bool parse_hms(Cursor& c, int max_hours, int& out) {
  int sign = 1;
  if (c.eat('-')) sign = -1;
  else c.eat('+');
  int h = 0, m = 0, s = 0;
  if (!c.number(max_hours, h)) return false;
  if (c.eat(':')) {
    if (!c.number(59, m)) return false;
    if (c.eat(':') && !c.number(59, s)) return false;
  }
  out = sign * (h * 3600 + m * 60 + s);
  return true;
}

bool parse_date(Cursor& c, char& kind, int& day, int& month, int& week, int& weekday) {
  if (c.eat('J')) {
    kind = 'J';
    return c.number(365, day) && day >= 1;
  }
  if (c.eat('M')) {
    kind = 'M';
    return c.number(12, month) && month >= 1 && c.eat('.') && c.number(5, week) && week >= 1 && c.eat('.') &&
           c.number(6, weekday);
  }
  kind = 'D';
  return c.number(365, day);
}

}  // namespace

std::optional<TimeZone::Rule> TimeZone::Rule::parse(std::string_view text) {
  Cursor c{text};
  Rule r;
  int west = 0;
  // The hour limits are POSIX's 24 for offsets and TZif v3's 167 for change times.
  if (!parse_name(c) || !parse_hms(c, 24, west)) return std::nullopt;
  r.std_offset = r.dst_offset = -west;
  if (c.done()) return r;
  if (!parse_name(c)) return std::nullopt;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (c.peek() != ',' && !c.done()) {
    if (!parse_hms(c, 24, west)) return std::nullopt;
    r.dst_offset = -west;
  }
  std::string_view rules = ",M3.2.0,M11.1.0";  // POSIX leaves a missing rule open; tzcode uses the US one
  Cursor rc = c.done() ? Cursor{rules} : c;
  for (Date* d : {&r.start, &r.end}) {
    if (!rc.eat(',') || !parse_date(rc, d->kind, d->day, d->month, d->week, d->weekday)) return std::nullopt;
    if (rc.eat('/') && !parse_hms(rc, 167, d->time)) return std::nullopt;
  }
  if (!rc.done()) return std::nullopt;
  return r;
}

std::array<TimeZone::Change, 2> TimeZone::rule_changes(const Rule& rule, int64_t year) {
  auto rule_day = [year](const Rule::Date& d) {
    int64_t jan1 = days_from_civil(year, 1, 1);
    if (d.kind == 'J') return jan1 + d.day - 1 + (is_leap(year) && d.day >= 60 ? 1 : 0);
    if (d.kind == 'D') return jan1 + d.day;
    int64_t first = days_from_civil(year, d.month, 1);
    int day = (d.weekday - weekday_of_days(first) + 7) % 7 + (d.week - 1) * 7;
    while (day >= days_in_month(year, d.month)) day -= 7;  // week 5 means the last one
    return first + day;
  };
  // The start is written in standard time and the end in daylight time, each the time then in effect.
  Change start{rule_day(rule.start) * 86400 + rule.start.time - rule.std_offset, {rule.dst_offset, true}};
  Change end{rule_day(rule.end) * 86400 + rule.end.time - rule.dst_offset, {rule.std_offset, false}};
  return {start, end};
}

TimeZone::Offset TimeZone::rule_offset(const Rule& rule, int64_t utc_seconds) {
  Offset standard{rule.std_offset, false};
  if (!rule.has_dst) return standard;
  // A change can land up to a week outside its own year (167h), so the neighbouring years' changes
  // decide the first and last days; this also handles southern zones whose DST spans New Year.
  int64_t days = utc_seconds >= 0 ? utc_seconds / 86400 : -((-utc_seconds + 86399) / 86400);
  int64_t year = civil_from_days(days).year;
  std::array<Change, 6> all;
  for (int i = 0; i < 3; ++i) {
    std::array<Change, 2> c = rule_changes(rule, year - 1 + i);
    all[2 * i] = c[0];
    all[2 * i + 1] = c[1];
  }
  // On a tie the start wins, so a rule for DST all year (J1/0,J365/25) never flickers to standard.
  std::stable_sort(all.begin(), all.end(), [](const Change& a, const Change& b) {
    return a.at != b.at ? a.at < b.at : (!a.to.dst && b.to.dst);
  });
  Offset found = standard;
  for (const Change& c : all)
    if (c.at <= utc_seconds) found = c.to;
  return found;
}

}  // namespace mlops::schedule
