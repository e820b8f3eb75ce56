// The story of an ION, oldest first: models produced, runs that failed, policy decisions (gated,
// approved, rejected, expired, pending) and deliveries, from the runs and flow records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace mlops::runtime {

struct Event {
  int64_t at_ms = 0;
  std::string kind;  // produced, run-failed, passed, failed, pending, delivered
  std::string ion, node;
  std::string model;  // NAME:VERSION or ""
  std::string detail;
};

// Every event, or those of one ION.
std::vector<Event> list_events(store::Store& store, const std::string& ion);

}  // namespace mlops::runtime
