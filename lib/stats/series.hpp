// Reading the stats runs recorded: every point labelled with its ION, node, run, agent and model
// (the agent and model come from the run's record, so a point is labelled even when it arrived
// before its run did), filtered, followed, bucketed and exported. Results are the API's JSON
// shapes, so the CLI shows a local store and a server's answer the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace mlops::stats {

struct Filter {
  std::string ion, node, agent, run, name, source;
  int64_t after_id = 0;                    // points numbered above this only (to follow)
  std::optional<int64_t> since_ms, until_ms;  // [since, until)
  int64_t limit = 0;                       // 0: no limit; else the newest `limit`, oldest first
};

// Points, oldest first: {"id", "run", "ion", "node", "agent", "model", "source", "name",
// "step" (or null), "value", "labels", "atMs"}.
nlohmann::json points(store::Store& store, const Filter& f);
// The highest point number now (where a follow starts).
int64_t last_id(store::Store& store);

// avg, min, max, sum, count, p50, p95, p99; a usage error naming the choices otherwise.
void check_aggregation(const std::string& agg);

// Points of one name bucketed by `every_ms` from the filter's since: [{"atMs" (bucket start),
// "value", "points"}], buckets with no points left out.
nlohmann::json buckets(store::Store& store, const Filter& f, int64_t every_ms, const std::string& agg);

// One row per stat name (and source) the filter selects: {"name", "source", "points", "last",
// "min", "max", "lastAtMs", "recent": the last values, oldest first, for a sparkline}.
nlohmann::json summaries(store::Store& store, const Filter& f, size_t recent = 24);

// Removes points recorded before `before_ms`; returns how many.
int64_t prune(store::Store& store, int64_t before_ms);

}  // namespace mlops::stats
