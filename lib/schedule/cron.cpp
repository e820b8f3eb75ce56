#include "schedule/cron.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::schedule {

using util::Error;
using util::Exit;

namespace {

struct Field {
  const char* name;
  int lo, hi;
  std::vector<std::string> names;  // names[i] means lo + i
};

const Field kFields[] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
};

int value_of(const std::string& token, const Field& f, const std::string& text) {
  auto bad = [&](const std::string& why) { return Error(Exit::usage, "invalid cron '" + text + "': " + why); };
  if (token.empty()) throw bad(std::string("empty value in the ") + f.name + " field");
  std::string upper = token;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto it = std::find(f.names.begin(), f.names.end(), upper);
  if (it != f.names.end()) return f.lo + static_cast<int>(it - f.names.begin());
  if (!std::all_of(token.begin(), token.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
      token.size() > 4)
    throw bad(std::string("'") + token + "' is not a valid " + f.name);
  int v = std::atoi(token.c_str());
  if (v < f.lo || v > f.hi)
    throw bad(std::string(f.name) + " " + token + " is out of range " + std::to_string(f.lo) + "-" + std::to_string(f.hi));
  return v;
}

// Sets the bits for one comma-separated field; returns false when the field is '*'.
bool parse_field(const std::string& field, const Field& f, const std::string& text, std::vector<bool>& bits) {
  bool star = field == "*";
  for (const auto& part : util::split(field, ',')) {
    std::string range = part;
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      range = part.substr(0, slash);
      std::string s = part.substr(slash + 1);
      if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
          s.size() > 4 || std::atoi(s.c_str()) == 0)
        throw Error(Exit::usage, "invalid cron '" + text + "': step '" + s + "' in the " + f.name + " field must be a positive number");
      step = std::atoi(s.c_str());
    }
    int lo, hi;
    if (range == "*") {
      lo = f.lo;
      hi = f.hi;
    } else if (auto dash = range.find('-'); dash != std::string::npos) {
      lo = value_of(range.substr(0, dash), f, text);
      hi = value_of(range.substr(dash + 1), f, text);
      if (lo > hi)
        throw Error(Exit::usage, "invalid cron '" + text + "': range '" + range + "' in the " + f.name + " field runs backwards");
    } else {
      lo = hi = value_of(range, f, text);
      if (part.find('/') != std::string::npos) hi = f.hi;  // "5/15" means from 5 on, every 15
    }
    for (int v = lo; v <= hi; v += step) bits[static_cast<size_t>(v)] = true;
  }
  return !star;
}

}  // namespace

Cron parse_cron(const std::string& text) {
  std::vector<std::string> fields;
  for (const auto& w : util::split(text, ' '))
    if (!w.empty()) fields.push_back(w);
  if (fields.size() != 5)
    throw Error(Exit::usage, "invalid cron '" + text + "': expected 5 fields (minute hour day-of-month month day-of-week), found " +
                                 std::to_string(fields.size()));
  Cron c;
  std::vector<bool> bits[5];
  for (int i = 0; i < 5; ++i) bits[i].assign(static_cast<size_t>(kFields[i].hi + 1), false);
  parse_field(fields[0], kFields[0], text, bits[0]);
  parse_field(fields[1], kFields[1], text, bits[1]);
  c.any_day = !parse_field(fields[2], kFields[2], text, bits[2]);
  parse_field(fields[3], kFields[3], text, bits[3]);
  c.any_weekday = !parse_field(fields[4], kFields[4], text, bits[4]);
  for (size_t i = 0; i < 60; ++i) c.minutes[i] = bits[0][i];
  for (size_t i = 0; i < 24; ++i) c.hours[i] = bits[1][i];
  for (size_t i = 1; i <= 31; ++i) c.days[i] = bits[2][i];
  for (size_t i = 1; i <= 12; ++i) c.months[i] = bits[3][i];
  for (size_t i = 0; i <= 7; ++i)
    if (bits[4][i]) c.weekdays[i % 7] = true;
  return c;
}

int64_t parse_duration(const std::string& text) {
  auto bad = [&] {
    return Error(Exit::usage, "invalid duration '" + text + "': use a number and a unit, like 30s, 5m, 1h30m or 2d");
  };
  if (text.empty()) throw bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i == text.size() || i - start > 9) throw bad();
    int64_t n = std::atoll(text.substr(start, i - start).c_str());
    switch (text[i++]) {
      case 's': total += n; break;
      case 'm': total += n * 60; break;
      case 'h': total += n * 3600; break;
      case 'd': total += n * 86400; break;
      default: throw bad();
    }
  }
  if (total <= 0) throw Error(Exit::usage, "invalid duration '" + text + "': it must be longer than zero");
  return total;
}

static const char* const kZoneDir = "/usr/share/zoneinfo";

bool is_time_zone(const std::string& name) {
  if (name == "UTC") return true;
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  std::string path = std::string(kZoneDir) + "/" + name;
  std::ifstream f(path, std::ios::binary);
  char magic[4] = {};
  // A real zone file starts with "TZif"; this rules out directories and stray files.
  return f.read(magic, 4) && std::string(magic, 4) == "TZif";
}

std::string closest_time_zone(const std::string& name) {
  std::vector<std::string> zones;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(kZoneDir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().string().substr(std::string(kZoneDir).size() + 1);
    if (it->is_regular_file() && rel.find('/') != std::string::npos && rel.rfind("posix/", 0) != 0 &&
        rel.rfind("right/", 0) != 0)
      zones.push_back(rel);
  }
  zones.push_back("UTC");
  std::sort(zones.begin(), zones.end());
  return util::did_you_mean(name, zones);
}

}  // namespace mlops::schedule
