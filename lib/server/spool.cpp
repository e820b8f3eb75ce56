// Taking in an agent's spool. Items are applied in sequence order and the highest sequence number
// applied is kept with the agent, in the same transaction as the stat points and events it covers:
// a batch sent again after a lost answer is acknowledged without being applied twice. A run record
// that carries a model is applied on its own, and idempotently (the version is found by its run),
// because recording a version and passing it along the ION's edges commit by themselves. Pieces of
// run logs go into the runs' directories here, by the agent's offsets.
#include <fcntl.h>

#include <regex>

#include "api/documents.hpp"
#include "api/spool.hpp"
#include "ion/registry.hpp"
#include "runtime/flow.hpp"
#include "runtime/run.hpp"
#include "server/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::server {

using nlohmann::json;
using store::Stmt;

namespace {

// The item's kind, without copying it ("" when there is none).
const std::string& kind_of(const json& item) {
  static const std::string none;
  if (!item.is_object()) return none;
  auto it = item.find("kind");
  return it != item.end() && it->is_string() ? it->get_ref<const std::string&>() : none;
}

bool is_point(const std::string& kind) {
  return kind == "stats" || kind == "stat" || kind == "event" || kind == "overflow";
}

const std::string& text(const json& v) { return v.get_ref<const std::string&>(); }

// [run, ion, node, source, name, step|null, value, labels, atMs]
bool insert_stat(Stmt& stat, const json& p) {
  if (!p.is_array() || p.size() != 9 || !p[6].is_number() || !p[8].is_number_integer()) return false;
  for (int i : {0, 1, 2, 3, 4, 7})
    if (!p[i].is_string()) return false;
  stat.reset();
  for (int i : {0, 1, 2, 3, 4}) stat.bind(i + 1, text(p[i]));
  p[5].is_number_integer() ? stat.bind(6, p[5].get<int64_t>()) : stat.bind_null(6);
  stat.bind_real(7, p[6].get<double>()).bind(8, text(p[7])).bind(9, p[8].get<int64_t>()).run();
  return true;
}

// One stat point, event or overflow notice; false when it is malformed (skipped, and counted).
bool insert_point(Stmt& stat, Stmt& event, const json& item, const std::string& kind, const std::string& agent) {
  if (kind == "stat") {
    auto it = item.find("stat");
    return it != item.end() && insert_stat(stat, *it);
  }
  event.reset();
  if (kind == "overflow") {
    int64_t dropped = item.value("dropped", int64_t{0});
    event.bind(1, "").bind(2, "").bind(3, "").bind(4, "alert").bind(5, "warning").bind(6, "spool-overflow").bind(9, "agent");
    event.bind(7, "agent " + agent + " dropped " + std::to_string(dropped) + " stat points: its spool was full (overflow: " +
                      item.value("policy", "") + ")");
    event.bind(8, item.value("atMs", int64_t{0})).run();
    return true;
  }
  auto it = item.find("event");
  if (it == item.end()) return false;
  const json& e = *it;
  // Agents before the source was sent (8 fields) raised only pipeline alerts.
  if (!e.is_array() || (e.size() != 8 && e.size() != 9) || !e[7].is_number_integer()) return false;
  for (int i = 0; i < 7; ++i)
    if (!e[i].is_string()) return false;
  if (e[3] != "event" && e[3] != "alert") return false;
  std::string source = e.size() == 9 && e[8].is_string() ? e[8].get<std::string>() : "pipeline";
  if (source != "pipeline" && source != "health") return false;
  for (int i = 0; i < 7; ++i) event.bind(i + 1, text(e[i]));
  event.bind(8, e[7].get<int64_t>()).bind(9, source).run();
  return true;
}

// A piece of a run's log, written into the run's directory here where the agent's offset says: a
// resent piece (already here) is skipped, so the log is whole once, whatever was resent.
bool append_log(store::Store& st, const json& item) {
  static const std::regex run_id("^r[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$");
  std::string run = item.contains("run") && item["run"].is_string() ? item["run"].get<std::string>() : "";
  if (!std::regex_match(run, run_id) || !item.contains("offset") || !item["offset"].is_number_unsigned() ||
      !item.contains("data") || !item["data"].is_string())
    return false;
  uint64_t offset = item["offset"].get<uint64_t>();
  const std::string& data = item["data"].get_ref<const std::string&>();
  std::string dir = runtime::run_dir(st, run), path = dir + "/run.log";
  util::make_dirs(dir);
  if (offset + data.size() <= util::size_or_zero(path)) return true;  // here already
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) util::throw_errno("write", path, errno);
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::pwrite(fd.get(), data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno != EINTR) util::throw_errno("write", path, errno);
    if (n > 0) done += static_cast<size_t>(n);
  }
  return true;
}

// The run an item is about, when the catalog has it under another agent (or as the server's own):
// no agent writes into a run that is not its own.
bool foreign_run(store::Store& st, const json& item, const std::string& agent) {
  auto it = item.find("run");
  if (it == item.end()) return false;
  const json* id = it->is_object() && it->contains("id") ? &it->at("id") : &*it;
  if (!id->is_string()) return false;  // malformed: the item's own checks reject it
  const std::string& run = id->get_ref<const std::string&>();
  Stmt s(st.catalog().handle(), "SELECT agent FROM runs WHERE id = ?");
  s.bind(1, run);
  return s.step() && s.text(0) != agent;
}

}  // namespace

void Server::Impl::ingest(const httplib::Request& req, httplib::Response& res, store::Store& st) {
  std::string agent = req.matches[1];
  auto body = json_body(req, res);
  if (!body) return;
  if (!body->contains("items") || !(*body)["items"].is_array()) return reply_error(res, 400, "expected items, an array");
  const json& items = (*body)["items"];
  std::lock_guard<std::mutex> lock(store_mutex);
  auto* db = st.catalog().handle();
  int64_t acked = 0;
  {
    Stmt s(db, "SELECT acked_seq FROM agents WHERE name = ?");
    s.bind(1, agent);
    if (s.step()) acked = s.integer(0);
  }
  auto seq_of = [](const json& item) -> int64_t {
    if (!item.is_object()) return 0;
    auto it = item.find("seq");
    return it != item.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  int64_t applied = 0, skipped = 0, rejected = 0;
  size_t i = 0;
  while (i < items.size()) {
    const json& item = items[i];
    int64_t seq = seq_of(item);
    const std::string& kind = kind_of(item);
    if (!is_point(kind) && seq <= acked) {
      ++skipped, ++i;
      continue;
    }
    if (is_point(kind)) {
      store::Catalog::Transaction tx(st.catalog());
      Stmt stat(db, "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      Stmt event(db, "INSERT INTO run_events(run, ion, node, kind, level, name, message, at_ms, source) "
                     "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (; i < items.size() && is_point(kind_of(items[i])); ++i) {
        int64_t s = seq_of(items[i]);
        if (kind_of(items[i]) == "stats") {
          // Points under consecutive numbers from the item's: each is skipped or applied by its own.
          auto points = items[i].find("points");
          if (points == items[i].end() || !points->is_array()) {
            ++rejected;
            continue;
          }
          for (const auto& p : *points) {
            if (s <= acked) {
              ++skipped, ++s;
              continue;
            }
            insert_stat(stat, p) ? ++applied : ++rejected;
            acked = s++;
          }
          continue;
        }
        if (s <= acked) {
          ++skipped;
          continue;
        }
        insert_point(stat, event, items[i], kind_of(items[i]), agent) ? ++applied : ++rejected;
        acked = s;
      }
      Stmt(db, "UPDATE agents SET acked_seq = ? WHERE name = ?").bind(1, acked).bind(2, agent).run();
      tx.commit();
      continue;
    }
    if ((kind == "run" || kind == "log") && foreign_run(st, item, agent)) {
      ++rejected;
    } else if (kind == "run") {
      auto missing = apply_run(st, agent, item);
      if (!missing.empty()) {
        return reply_missing(res, "upload the run's model blobs first", missing, acked);
      }
      ++applied;
    } else if (kind == "log") {
      append_log(st, item) ? ++applied : ++rejected;
    } else if (kind == "request" && item.contains("request") && item["request"].is_number_integer()) {
      // A requested run ended (its run item came first), or was lost with an agent's restart.
      std::string run = item.contains("run") && item["run"].is_string() ? item["run"].get<std::string>() : "";
      Stmt(db, "UPDATE run_requests SET run_id = ?, done_ms = ? WHERE id = ? AND agent = ? AND done_ms = 0")
          .bind(1, run).bind(2, clock.now_ms()).bind(3, item["request"].get<int64_t>()).bind(4, agent).run();
      ++applied;
    } else {
      ++rejected;
    }
    acked = seq;
    Stmt(db, "UPDATE agents SET acked_seq = ? WHERE name = ?").bind(1, acked).bind(2, agent).run();
    ++i;
  }
  reply(res, api::document("SpoolAck", {{"acked", acked}, {"applied", applied}, {"skipped", skipped}, {"rejected", rejected}}));
}

std::vector<std::string> Server::Impl::apply_run(store::Store& st, const std::string& agent, const json& item) {
  runtime::RunRecord r;
  try {
    r = api::run_record_from(item.value("run", json()));
  } catch (const util::Error&) {
    return {};  // malformed: acknowledged and dropped, like a malformed stat point
  }
  bool added = false;
  if (item.contains("model") && item["model"].is_object()) {
    auto v = api::model_version_from(item["model"]);
    std::optional<store::ModelVersion> have;
    try {
      auto found = st.registry().list({v.name, {{"run", r.id}}});
      if (!found.empty()) have = found.front();
    } catch (const util::Error&) {
      // a model this server has not seen yet
    }
    if (!have) {
      auto missing = missing_blobs(st, v);
      if (!missing.empty()) return missing;
      v.labels["agent"] = agent;
      v.created_by = r.actor;
      have = st.registry().add_version(v);
      added = true;
    }
    r.model = have->name + ":" + std::to_string(have->version);
  }
  bool exists = false;
  {
    Stmt s(st.catalog().handle(), "SELECT 1 FROM runs WHERE id = ?");
    s.bind(1, r.id);
    exists = s.step();
  }
  runtime::save_run(st, r, !exists);
  // The runner is on the agent: no process of this machine answers for it.
  Stmt(st.catalog().handle(), "UPDATE runs SET runner_pid = 0, agent = ? WHERE id = ?").bind(1, agent).bind(2, r.id).run();
  if (added) {
    try {
      auto m = ion::load_revision(ion::current_revision(st, r.ion));
      runtime::propagate(st, m, r.node, r.model, clock.now_ms());
    } catch (const util::Error& e) {
      if (o.log) o.log("run/" + r.id + ": model/" + r.model + " not passed on: " + e.what());
    }
  }
  return {};
}

}  // namespace mlops::server
