// What an agent's spool carries to its server, one item per thing that happened, each with the
// agent's sequence number: a stat point, a run event or alert, a run record (with the model it
// produced), or the news that the spool overflowed. Stat points are compact arrays, for they come
// by the hundred thousand:
//
//   {"seq": 7, "kind": "stat",  "stat":  [run, ion, node, source, name, step|null, value, labels, atMs]}
//   {"seq": 8, "kind": "event", "event": [run, ion, node, kind, level, name, message, atMs, source]}
//                                    (source: pipeline or health; absent from older agents: pipeline)
//   {"seq": 9, "kind": "run",   "run": {...RunRecord}, "model": {...ModelVersion} | absent}
//   {"seq": 10, "kind": "overflow", "dropped": 120, "policy": "drop-oldest", "atMs": ...}
//
// On the wire, stat points under consecutive numbers are sent as one item, the k-th point under
// the item's number plus k: {"seq": 11, "kind": "stats", "points": [[...], [...]]}.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/run.hpp"

namespace mlops::api {

nlohmann::json run_record(const runtime::RunRecord& r);
// A usage error naming what is wrong when `j` is not one.
runtime::RunRecord run_record_from(const nlohmann::json& j);

}  // namespace mlops::api
