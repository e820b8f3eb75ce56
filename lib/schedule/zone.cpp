#include "schedule/zone.hpp"

#include "util/error.hpp"

namespace mlops::schedule {

// Placeholder until the TZif reader lands: UTC only.
TimeZone TimeZone::load(const std::string& name) {
  if (name != "UTC") throw util::Error(util::Exit::not_found, "time zone '" + name + "' is not supported yet");
  TimeZone z;
  z.name_ = name;
  return z;
}

LocalTime TimeZone::to_local(int64_t) const { return {}; }
std::vector<int64_t> TimeZone::from_local(int, int, int, int, int, int) const { return {}; }
int64_t TimeZone::gap_end(int, int, int, int, int, int) const { return 0; }

}  // namespace mlops::schedule
