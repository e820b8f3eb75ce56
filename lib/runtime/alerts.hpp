// Alerts: what people should look at, each raised once from where it came from, and acknowledged
// by someone. Origins: alerts pipelines raised through the SDK (source pipeline), ML-health drifts
// (health), an agent's spool overflowing (agent), failed runs (run) and approval requests that
// expired with nobody deciding (approval). sync_alerts raises what happened since it last ran;
// it is cheap and idempotent, so whoever reads or sends alerts calls it first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace mlops::runtime {

struct Alert {
  int64_t id = 0;
  std::string source;  // pipeline, health, agent, run, approval
  std::string ion, node, run, model;
  std::string name;   // the alert's name: drift, run-failed, approval-expired, spool-overflow, ...
  std::string level;  // info, warning, error
  std::string message;
  int64_t at_ms = 0;
  std::string acked_by, comment;
  int64_t acked_ms = 0;
};

// Raises the alerts of what happened since the last call; returns them.
std::vector<Alert> sync_alerts(store::Store& store, int64_t now_ms);

// Newest last; without `acked`, only those nobody acknowledged yet.
std::vector<Alert> list_alerts(store::Store& store, const std::string& ion, bool acked);
// Acknowledges an alert (not found when there is none); acknowledging again changes nothing.
Alert ack_alert(store::Store& store, int64_t id, const std::string& actor, const std::string& comment, int64_t now_ms);

nlohmann::json alert_json(const Alert& a);
Alert alert_from(const nlohmann::json& j);

}  // namespace mlops::runtime
