// The story of an ION, oldest first: models produced, runs that failed or were cancelled, policy
// decisions (gated, approved, rejected, expired, pending), deliveries, hot swaps into services, and
// the events and alerts pipelines raised through the SDK.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace mlops::runtime {

struct Event {
  int64_t at_ms = 0;
  // produced, run-failed, run-cancelled, passed, failed, pending, delivered, deployed, event, alert
  std::string kind;
  std::string ion, node;
  std::string model;  // NAME:VERSION or ""
  std::string detail;
};

// Every event, or those of one ION.
std::vector<Event> list_events(store::Store& store, const std::string& ion);

}  // namespace mlops::runtime
