#include "schedule/zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "util/error.hpp"

namespace mlops::schedule {

using util::Error;
using util::Exit;

namespace {

// Past about a billion years, years no longer fit LocalTime's int.
constexpr int64_t kMaxSeconds = int64_t{1} << 55;
// Real zone files are a few kilobytes; anything far larger is not one.
constexpr uintmax_t kMaxFileBytes = 1 << 22;
// RFC 8536's recommended range for UT offsets, about +-26 hours.
constexpr int64_t kMinOffset = -89999, kMaxOffset = 93599;

// Reads big-endian fields, refusing to step past the end of the data.
struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool has(uint64_t n) const { return n <= data.size() - pos; }
  bool skip(uint64_t n) {
    if (!has(n)) return false;
    pos += static_cast<size_t>(n);
    return true;
  }
  uint64_t be(int bytes) {  // callers check has() first
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(data[pos++]);
    return v;
  }
};

struct Header {
  char version = 0;
  uint64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  uint64_t block_bytes(int time_size) const {
    return time * (time_size + 1) + type * 6 + chars + leap * (time_size + 4) + isstd + isut;
  }
};

bool read_header(Reader& r, Header& h) {
  if (!r.has(44) || r.data.substr(r.pos, 4) != "TZif") return false;
  h.version = r.data[r.pos + 4];
  r.pos += 20;
  for (uint64_t* n : {&h.isut, &h.isstd, &h.leap, &h.time, &h.type, &h.chars}) *n = r.be(4);
  return true;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

TimeZone TimeZone::load(const std::string& name) {
  if (name == "UTC" || name == "Etc/UTC") {
    TimeZone z;
    z.name_ = name;
    z.all_offsets_ = {0};
    return z;
  }
  Error unknown(Exit::not_found, "unknown time zone '" + name + "'");
  // Names are relative paths inside the database; nothing may climb out of it.
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw unknown;
  const char* dir = std::getenv("TZDIR");
  std::filesystem::path path = std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw unknown;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes)
    throw Error(Exit::error, "cannot read time zone '" + name + "': file is too large");
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw Error(Exit::error, "cannot read time zone '" + name + "': read failed");
  // Other files live beside the zones (zone.tab, leapseconds); they are not zones.
  if (bytes.compare(0, 4, "TZif") != 0) throw unknown;
  return parse(name, bytes);
}

TimeZone TimeZone::parse(const std::string& name, std::string_view tzif) {
  auto bad = [&](const std::string& why) { return Error(Exit::error, "cannot read time zone '" + name + "': " + why); };
  Reader r{tzif};
  Header h;
  if (!read_header(r, h)) throw bad("not TZif data");
  int time_size = 4;
  if (h.version >= '2') {
    // Version 2 and later repeat the data with 64-bit times after the 32-bit block, which we skip.
    if (!r.skip(h.block_bytes(4))) throw bad("truncated data");
    if (!read_header(r, h)) throw bad("missing 64-bit header");
    time_size = 8;
  }
  if (h.type == 0 || h.type > 256) throw bad("bad count of local time types");
  if (!r.has(h.block_bytes(time_size))) throw bad("truncated data");

  TimeZone z;
  z.name_ = name;
  z.transitions_.reserve(static_cast<size_t>(h.time));
  for (uint64_t i = 0; i < h.time; ++i) {
    uint64_t v = r.be(time_size);
    int64_t t = time_size == 8 ? static_cast<int64_t>(v) : static_cast<int64_t>(static_cast<int32_t>(v));
    if (!z.transitions_.empty() && t <= z.transitions_.back()) throw bad("transitions out of order");
    z.transitions_.push_back(t);
  }
  std::vector<unsigned char> indices;
  indices.reserve(static_cast<size_t>(h.time));
  for (uint64_t i = 0; i < h.time; ++i) {
    indices.push_back(static_cast<unsigned char>(r.be(1)));
    if (indices.back() >= h.type) throw bad("transition to an undefined local time type");
  }
  std::vector<Offset> types;
  for (uint64_t i = 0; i < h.type; ++i) {
    int64_t offset = static_cast<int32_t>(static_cast<uint32_t>(r.be(4)));
    uint64_t dst = r.be(1);
    r.be(1);  // abbreviation index: names are not shown
    if (offset < kMinOffset || offset > kMaxOffset) throw bad("UT offset out of range");
    if (dst > 1) throw bad("bad daylight saving flag");
    types.push_back({static_cast<int>(offset), dst == 1});
  }
  // Leap second records, standard/wall and UT/local indicators follow; POSIX time ignores them.
  r.skip(h.chars + h.leap * (time_size + 4) + h.isstd + h.isut);
  for (unsigned char i : indices) z.offsets_.push_back(types[i]);
  z.initial_ = types[0];

  if (time_size == 8) {
    // The footer: "\n" rule "\n", possibly empty.
    if (!r.has(1) || r.data[r.pos] != '\n') throw bad("missing footer");
    size_t end = tzif.find('\n', r.pos + 1);
    if (end == std::string_view::npos) throw bad("unterminated footer");
    std::string_view text = tzif.substr(r.pos + 1, end - r.pos - 1);
    if (!text.empty()) {
      z.footer_ = Rule::parse(text);
      if (!z.footer_) throw bad("invalid rule '" + std::string(text) + "' in footer");
    }
  }
  for (const Offset& o : types) z.all_offsets_.push_back(o.offset);
  if (z.footer_) z.all_offsets_.insert(z.all_offsets_.end(), {z.footer_->std_offset, z.footer_->dst_offset});
  std::sort(z.all_offsets_.begin(), z.all_offsets_.end());
  z.all_offsets_.erase(std::unique(z.all_offsets_.begin(), z.all_offsets_.end()), z.all_offsets_.end());
  return z;
}

TimeZone::Offset TimeZone::offset_at(int64_t t) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.end() && footer_) return rule_offset(*footer_, t);
  if (it == transitions_.begin()) return initial_;
  return offsets_[static_cast<size_t>(std::distance(transitions_.begin(), it) - 1)];
}

LocalTime TimeZone::to_local(int64_t utc_seconds) const {
  if (utc_seconds > kMaxSeconds || utc_seconds < -kMaxSeconds)
    throw Error(Exit::usage, "time " + std::to_string(utc_seconds) + " is out of range for time zone '" + name_ + "'");
  Offset o = offset_at(utc_seconds);
  int64_t local = utc_seconds + o.offset;
  int64_t days = floor_div(local, 86400);
  int64_t secs = local - days * 86400;
  CivilDate c = civil_from_days(days);
  LocalTime lt;
  lt.year = static_cast<int>(c.year);
  lt.month = c.month;
  lt.day = c.day;
  lt.hour = static_cast<int>(secs / 3600);
  lt.minute = static_cast<int>(secs / 60 % 60);
  lt.second = static_cast<int>(secs % 60);
  lt.weekday = weekday_of_days(days);
  lt.offset_seconds = o.offset;
  lt.dst = o.dst;
  return lt;
}

static int64_t wall_seconds(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, month, day) * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
}

std::vector<int64_t> TimeZone::from_local(int year, int month, int day, int hour, int minute, int second) const {
  int64_t wall = wall_seconds(year, month, day, hour, minute, second);
  // An instant t shows this wall time exactly when the offset in effect at t is wall - t; the zone
  // shows only a handful of offsets, so trying each one finds every such t.
  std::vector<int64_t> found;
  for (int o : all_offsets_) {
    int64_t t = wall - o;
    if (offset_at(t).offset == o) found.push_back(t);
  }
  std::sort(found.begin(), found.end());
  return found;
}

int64_t TimeZone::gap_end(int year, int month, int day, int hour, int minute, int second) const {
  int64_t wall = wall_seconds(year, month, day, hour, minute, second);
  // A change at T skips this wall time when the clock read below it just before T and above it at T;
  // such a T lies within the zone's offset range of the wall time.
  int64_t lo = wall - all_offsets_.back(), hi = wall - all_offsets_.front();
  std::vector<int64_t> candidates(std::upper_bound(transitions_.begin(), transitions_.end(), lo),
                                  std::upper_bound(transitions_.begin(), transitions_.end(), hi));
  if (footer_ && footer_->has_dst) {
    int64_t first_year = civil_from_days(floor_div(lo, 86400)).year - 1;
    int64_t last_year = civil_from_days(floor_div(hi, 86400)).year + 1;
    for (int64_t y = first_year; y <= last_year; ++y)
      for (const Change& c : rule_changes(*footer_, y))
        if (c.at > lo && c.at <= hi) candidates.push_back(c.at);
  }
  std::sort(candidates.begin(), candidates.end());
  for (int64_t t : candidates)
    if (t + offset_at(t - 1).offset <= wall && wall < t + offset_at(t).offset) return t;
  std::vector<int64_t> at = from_local(year, month, day, hour, minute, second);
  return at.empty() ? lo : at.front();
}

}  // namespace mlops::schedule
