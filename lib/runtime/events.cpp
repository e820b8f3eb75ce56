#include "runtime/events.hpp"

#include <algorithm>

namespace mlops::runtime {

using store::Stmt;

std::vector<Event> list_events(store::Store& store, const std::string& ion) {
  std::vector<Event> out;
  Stmt runs(store.catalog().handle(),
            "SELECT finished_ms, status, ion, node, model, outcome, id FROM runs "
            "WHERE finished_ms IS NOT NULL AND (? = '' OR ion = ?) AND (status IN ('failed', 'cancelled') OR model != '')");
  runs.bind(1, ion).bind(2, ion);
  while (runs.step()) {
    std::string status = runs.text(1);
    bool ended = status != "succeeded";
    out.push_back({runs.integer(0), ended ? "run-" + status : "produced", runs.text(2), runs.text(3), runs.text(4),
                   "run " + runs.text(6) + (ended ? ": " + runs.text(5) : "")});
  }
  // What pipelines said through the SDK: events, and alerts (which 'on: alert' nodes answer).
  Stmt said(store.catalog().handle(),
            "SELECT at_ms, kind, ion, node, level, name, message, run FROM run_events WHERE ? = '' OR ion = ? ORDER BY id");
  said.bind(1, ion).bind(2, ion);
  while (said.step()) {
    std::string name = said.text(5);
    out.push_back({said.integer(0), said.text(1), said.text(2), said.text(3), "",
                   said.text(4) + (name.empty() ? "" : " " + name) + ": " + said.text(6) + " (run " + said.text(7) + ")"});
  }
  Stmt flows(store.catalog().handle(),
             "SELECT at_ms, kind, ion, node, model, reason FROM flow_events WHERE ? = '' OR ion = ? ORDER BY id");
  flows.bind(1, ion).bind(2, ion);
  while (flows.step())
    out.push_back({flows.integer(0), flows.text(1), flows.text(2), flows.text(3), flows.text(4), flows.text(5)});
  // Stable: a run's production comes before what its model then did at the same millisecond.
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.at_ms < b.at_ms; });
  return out;
}

}  // namespace mlops::runtime
