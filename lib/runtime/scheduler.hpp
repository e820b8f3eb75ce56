// What an agent should start, and when: the pipeline nodes placed on it, fired by their timetables
// (cron in a zone, every), by models delivered to them (on: model), by alerts their ION's pipelines
// raised (on: alert), and services kept running. Where each timetable stands is kept in the catalog,
// so slots missed while no agent ran are handled by the node's missed policy after a restart.
//
// poll() takes the time as an argument: tests drive it with any clock.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ion/manifest.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct AgentIdentity {
  std::string name = "local";
  std::map<std::string, std::string> labels;
};

// Whether a node's placement puts it on this agent: no placement means the local agent, an agent
// name must match, a selector needs every label.
bool placed_on(const ion::Node& node, const AgentIdentity& agent);

struct Trigger {
  std::string ion, node;
  std::string reason;  // "every 5m", "cron 0 10 * * 2 (Europe/Berlin)", "model x:3 delivered", "alert drift", "service"
  int64_t slot_ms = 0;
  int64_t missed = 0;  // slots that will not run (missed policy)
  bool start = true;   // false: only telling that slots were missed
};

class Scheduler {
 public:
  // `ions`: only these (empty: every applied ION).
  Scheduler(AgentIdentity agent, std::vector<std::string> ions);

  // Everything due at now_ms. `running` names the ION/NODE keys with a run going (services are
  // started only when not running).
  std::vector<Trigger> poll(store::Store& store, int64_t now_ms, const std::set<std::string>& running);
  // The earliest upcoming slot of any timetable seen by the last poll (0: none).
  int64_t next_slot_ms() const { return next_slot_ms_; }

 private:
  AgentIdentity agent_;
  std::vector<std::string> ions_;
  bool primed_ = false;
  int64_t last_delivery_id_ = 0, last_alert_id_ = 0;
  int64_t next_slot_ms_ = 0;
};

std::string node_key(const std::string& ion, const std::string& node);

}  // namespace mlops::runtime
