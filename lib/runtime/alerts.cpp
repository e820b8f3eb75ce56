#include "runtime/alerts.hpp"

#include "runtime/approval.hpp"
#include "util/error.hpp"

namespace mlops::runtime {

using nlohmann::json;
using store::Stmt;

namespace {

const char* kColumns = "id, source, ion, node, run, model, name, level, message, at_ms, acked_by, coalesce(acked_ms, 0), comment";

Alert read(Stmt& s) {
  Alert a;
  a.id = s.integer(0);
  a.source = s.text(1);
  a.ion = s.text(2);
  a.node = s.text(3);
  a.run = s.text(4);
  a.model = s.text(5);
  a.name = s.text(6);
  a.level = s.text(7);
  a.message = s.text(8);
  a.at_ms = s.integer(9);
  a.acked_by = s.text(10);
  a.acked_ms = s.integer(11);
  a.comment = s.text(12);
  return a;
}

int64_t cursor(store::Store& store, const char* origin) {
  Stmt s(store.catalog().handle(), "SELECT last FROM alert_cursors WHERE origin = ?");
  s.bind(1, std::string(origin));
  return s.step() ? s.integer(0) : 0;
}

void set_cursor(store::Store& store, const char* origin, int64_t last) {
  Stmt(store.catalog().handle(), "INSERT INTO alert_cursors(origin, last) VALUES(?, ?) "
                                 "ON CONFLICT(origin) DO UPDATE SET last = excluded.last")
      .bind(1, std::string(origin))
      .bind(2, last)
      .run();
}

int64_t max_alert_id(store::Store& store) {
  Stmt s(store.catalog().handle(), "SELECT coalesce(max(id), 0) FROM alerts");
  s.step();
  return s.integer(0);
}

Alert make(std::string source, std::string ion, std::string node, std::string run, std::string model, std::string name,
           std::string level, std::string message, int64_t at_ms) {
  Alert a;
  a.source = std::move(source);
  a.ion = std::move(ion);
  a.node = std::move(node);
  a.run = std::move(run);
  a.model = std::move(model);
  a.name = std::move(name);
  a.level = std::move(level);
  a.message = std::move(message);
  a.at_ms = at_ms;
  return a;
}

void raise(store::Store& store, const std::string& origin, const Alert& a) {
  Stmt(store.catalog().handle(),
       "INSERT OR IGNORE INTO alerts(origin, source, ion, node, run, model, name, level, message, at_ms) "
       "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, origin).bind(2, a.source).bind(3, a.ion).bind(4, a.node).bind(5, a.run).bind(6, a.model)
      .bind(7, a.name).bind(8, a.level).bind(9, a.message).bind(10, a.at_ms)
      .run();
}

}  // namespace

std::vector<Alert> sync_alerts(store::Store& store, int64_t now_ms) {
  // Read first, write only when something is new: callers come every second (the server's
  // webhooks), and a commit each time would be an fsync each time.
  std::vector<std::pair<std::string, Alert>> raised;
  int64_t last = cursor(store, "event"), seen = last;
  {
    Stmt s(store.catalog().handle(),
           "SELECT e.id, e.source, e.ion, e.node, e.run, coalesce(nullif(r.model_in, ''), r.model, ''), e.name, "
           "e.level, e.message, e.at_ms FROM run_events e LEFT JOIN runs r ON r.id = e.run "
           "WHERE e.id > ? AND e.kind = 'alert' ORDER BY e.id");
    s.bind(1, last);
    while (s.step()) {
      seen = s.integer(0);
      Alert a = make(s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.text(8), s.integer(9));
      if (a.ion.empty() && a.name == "spool-overflow") a.source = "agent";
      raised.emplace_back("event:" + std::to_string(seen), a);
    }
  }
  // Failed runs are few; a run an agent reports late is still caught (its origin keeps it once).
  {
    Stmt s(store.catalog().handle(),
           "SELECT id, ion, node, coalesce(nullif(model_in, ''), model), outcome, finished_ms FROM runs "
           "WHERE status = 'failed' AND finished_ms IS NOT NULL AND 'run:' || id NOT IN "
           "(SELECT origin FROM alerts WHERE origin LIKE 'run:%')");
    while (s.step())
      raised.emplace_back("run:" + s.text(0), make("run", s.text(1), s.text(2), s.text(0), s.text(3), "run-failed", "error",
                                                   "run " + s.text(0) + " failed: " + s.text(4), s.integer(5)));
  }
  for (const auto& p : expired_approvals(store, now_ms)) {
    std::string origin = "approval:" + p.ion + "/" + p.node + "/" + p.model;
    Stmt known(store.catalog().handle(), "SELECT 1 FROM alerts WHERE origin = ?");
    known.bind(1, origin);
    if (known.step()) continue;
    raised.emplace_back(origin, make("approval", p.ion, p.node, "", p.model, "approval-expired", "warning",
                                     "the approval of model " + p.model + " expired with " +
                                         std::to_string(p.approved_by.size()) + " of " + std::to_string(p.quorum) +
                                         " approvals; it goes no further",
                                     p.expires_ms));
  }
  if (raised.empty() && seen == last) return {};
  store::Catalog::Transaction tx(store.catalog());
  int64_t before = max_alert_id(store);
  for (const auto& [origin, a] : raised) raise(store, origin, a);
  set_cursor(store, "event", seen);
  std::vector<Alert> out;
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns + " FROM alerts WHERE id > ? ORDER BY id");
  s.bind(1, before);
  while (s.step()) out.push_back(read(s));
  tx.commit();
  return out;
}

std::vector<Alert> list_alerts(store::Store& store, const std::string& ion, bool acked) {
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns +
                                       " FROM alerts WHERE (? = '' OR ion = ?) AND (? OR acked_by = '') ORDER BY at_ms, id");
  s.bind(1, ion).bind(2, ion).bind(3, int64_t{acked});
  std::vector<Alert> out;
  while (s.step()) out.push_back(read(s));
  return out;
}

Alert ack_alert(store::Store& store, int64_t id, const std::string& actor, const std::string& comment, int64_t now_ms) {
  store::Catalog::Transaction tx(store.catalog());
  Stmt(store.catalog().handle(), "UPDATE alerts SET acked_by = ?, acked_ms = ?, comment = ? WHERE id = ? AND acked_by = ''")
      .bind(1, actor).bind(2, now_ms).bind(3, comment).bind(4, id)
      .run();
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns + " FROM alerts WHERE id = ?");
  s.bind(1, id);
  if (!s.step())
    throw util::Error(util::Exit::not_found, "no alert " + std::to_string(id), "see 'mlops alerts list --all'");
  Alert a = read(s);
  tx.commit();
  return a;
}

json alert_json(const Alert& a) {
  json j = {{"id", a.id},   {"source", a.source}, {"ion", a.ion},         {"node", a.node},
            {"run", a.run}, {"model", a.model},   {"name", a.name},       {"level", a.level},
            {"message", a.message}, {"atMs", a.at_ms}, {"acked", !a.acked_by.empty()}};
  if (!a.acked_by.empty()) j["ack"] = {{"by", a.acked_by}, {"atMs", a.acked_ms}, {"comment", a.comment}};
  return j;
}

Alert alert_from(const json& j) {
  Alert a;
  a.id = j.at("id");
  a.source = j.at("source");
  a.ion = j.at("ion");
  a.node = j.at("node");
  a.run = j.at("run");
  a.model = j.at("model");
  a.name = j.at("name");
  a.level = j.at("level");
  a.message = j.at("message");
  a.at_ms = j.at("atMs");
  if (j.contains("ack")) {
    a.acked_by = j["ack"].at("by");
    a.acked_ms = j["ack"].at("atMs");
    a.comment = j["ack"].value("comment", "");
  }
  return a;
}

}  // namespace mlops::runtime
