#include "runtime/scheduler.hpp"

#include <algorithm>

#include "ion/registry.hpp"
#include "schedule/timetable.hpp"

namespace mlops::runtime {

using store::Stmt;

namespace {

// An agent polls several times a second; a slot found more than this late was missed because no
// agent was running, and the node's missed policy decides.
constexpr int64_t kGraceMs = 5000;

int64_t max_id(store::Store& store, const char* sql) {
  Stmt s(store.catalog().handle(), sql);
  return s.step() && !s.is_null(0) ? s.integer(0) : 0;
}

// Where the node's timetable stands. The first time it is seen, or when its schedule changed,
// scheduling begins now: slots of another timetable were never this one's to miss.
int64_t last_slot(store::Store& store, const std::string& ion, const std::string& node, const std::string& timetable,
                  int64_t now_ms) {
  Stmt s(store.catalog().handle(), "SELECT last_slot_ms, timetable FROM schedule_state WHERE ion = ? AND node = ?");
  s.bind(1, ion).bind(2, node);
  if (s.step() && s.text(1) == timetable) return s.integer(0);
  Stmt put(store.catalog().handle(),
           "INSERT OR REPLACE INTO schedule_state(ion, node, timetable, last_slot_ms) VALUES(?, ?, ?, ?)");
  put.bind(1, ion).bind(2, node).bind(3, timetable).bind(4, now_ms).run();
  return now_ms;
}

void set_last_slot(store::Store& store, const std::string& ion, const std::string& node, int64_t slot_ms) {
  Stmt s(store.catalog().handle(), "UPDATE schedule_state SET last_slot_ms = ? WHERE ion = ? AND node = ?");
  s.bind(1, slot_ms).bind(2, ion).bind(3, node).run();
}

}  // namespace

std::string node_key(const std::string& ion, const std::string& node) { return ion + "/" + node; }

bool placed_on(const ion::Node& node, const AgentIdentity& agent) {
  const auto& p = node.placement;
  if (!p.agent.empty()) return p.agent == agent.name;
  if (p.selector.empty()) return agent.name == "local";
  return std::all_of(p.selector.begin(), p.selector.end(), [&](const auto& kv) {
    auto it = agent.labels.find(kv.first);
    return it != agent.labels.end() && it->second == kv.second;
  });
}

Scheduler::Scheduler(AgentIdentity agent, std::vector<std::string> ions)
    : agent_(std::move(agent)), ions_(std::move(ions)) {}

std::vector<Trigger> Scheduler::poll(store::Store& store, int64_t now_ms, const std::set<std::string>& running) {
  // Deliveries and alerts from before the agent started were someone else's to act on.
  if (!primed_) {
    last_delivery_id_ = max_id(store, "SELECT max(id) FROM flow_events");
    last_alert_id_ = max_id(store, "SELECT max(id) FROM run_events");
    primed_ = true;
  }
  std::vector<Trigger> out;
  next_slot_ms_ = 0;
  std::vector<ion::IonManifest> ions;
  for (const auto& rev : ion::list_ions(store))
    if (ions_.empty() || std::find(ions_.begin(), ions_.end(), rev.name) != ions_.end())
      ions.push_back(ion::load_revision(rev));

  // New deliveries and alerts, in the order they happened.
  std::vector<std::pair<std::string, std::string>> delivered;  // (ion/node, model)
  {
    Stmt s(store.catalog().handle(),
           "SELECT id, ion, node, model FROM flow_events WHERE id > ? AND kind = 'delivered' ORDER BY id");
    s.bind(1, last_delivery_id_);
    while (s.step()) {
      last_delivery_id_ = std::max(last_delivery_id_, s.integer(0));
      delivered.emplace_back(node_key(s.text(1), s.text(2)), s.text(3));
    }
  }
  struct Raised {
    std::string ion, node, name;
  };
  std::vector<Raised> alerts;
  {
    Stmt s(store.catalog().handle(),
           "SELECT id, ion, node, name FROM run_events WHERE id > ? AND kind = 'alert' ORDER BY id");
    s.bind(1, last_alert_id_);
    while (s.step()) {
      last_alert_id_ = std::max(last_alert_id_, s.integer(0));
      alerts.push_back({s.text(1), s.text(2), s.text(3)});
    }
  }

  for (const auto& ion : ions) {
    for (const auto& n : ion.nodes) {
      if (n.policy || !placed_on(n, agent_)) continue;
      std::string key = node_key(ion.name, n.name);
      if (n.mode == "service") {
        if (!running.count(key)) out.push_back({ion.name, n.name, "service", now_ms, 0});
        continue;
      }
      const auto& s = n.schedule;
      if (s.kind == "cron" || s.kind == "every") {
        auto table = s.kind == "cron" ? schedule::Timetable::cron(s.cron, s.timezone)
                                      // every: slots at multiples of the interval since the epoch
                                      : schedule::Timetable::every(s.every_seconds, 0);
        int64_t last = last_slot(store, ion.name, n.name, ion::describe(s) + " missed " + s.missed, now_ms);
        auto d = schedule::due(table, last, now_ms,
                               s.missed == "run-one" ? schedule::Missed::run_one : schedule::Missed::skip, kGraceMs);
        if (d.fire || d.missed) set_last_slot(store, ion.name, n.name, d.fire ? d.slot_ms : now_ms);
        if (d.fire) out.push_back({ion.name, n.name, ion::describe(s), d.slot_ms, d.missed});
        if (!d.fire && d.missed) out.push_back({ion.name, n.name, ion::describe(s), 0, d.missed, false});
        if (d.next_ms && (!next_slot_ms_ || d.next_ms < next_slot_ms_)) next_slot_ms_ = d.next_ms;
      } else if (s.kind == "model") {
        for (const auto& [where, model] : delivered)
          if (where == key) out.push_back({ion.name, n.name, "model " + model + " delivered", now_ms, 0});
      } else if (s.kind == "alert") {
        for (const auto& a : alerts)
          if (a.ion == ion.name && (s.alert.empty() || s.alert == a.name))
            out.push_back({ion.name, n.name, "alert " + a.name, now_ms, 0});
      }
      // Edges 'on: alert' into this node, whatever its own schedule: an alert of the node they
      // come from starts it (once per poll, however many alerts came).
      bool started = false;
      for (const auto& e : ion.edges) {
        if (e.to != n.name || e.on != "alert" || started) continue;
        for (const auto& a : alerts)
          if (!started && a.ion == ion.name && a.node == e.from && (e.alert.empty() || e.alert == a.name)) {
            out.push_back({ion.name, n.name, "alert " + a.name + " from " + e.from, now_ms, 0});
            started = true;
          }
      }
    }
  }
  return out;
}

}  // namespace mlops::runtime
