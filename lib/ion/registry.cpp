#include "ion/registry.hpp"

#include <cstdlib>
#include <optional>
#include <set>

#include "pipeline/registry.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::ion {

using nlohmann::json;
using store::Stmt;
using util::Error;
using util::Exit;

namespace {

const char* const kColumns =
    "i.name, r.revision, r.spec, r.source, r.source_name, r.applied_ms, r.applied_by, r.cause, r.revision = i.revision";

Revision read_row(const Stmt& s) {
  Revision r;
  r.name = s.text(0);
  r.revision = s.integer(1);
  r.spec = json::parse(s.text(2));
  r.source = s.text(3);
  r.source_name = s.text(4);
  r.applied_ms = s.integer(5);
  r.applied_by = s.text(6);
  r.cause = s.text(7);
  r.current = s.integer(8) != 0;
  return r;
}

std::vector<std::string> ion_names(store::Store& store) {
  std::vector<std::string> out;
  Stmt s(store.catalog().handle(), "SELECT name FROM ions ORDER BY name");
  while (s.step()) out.push_back(s.text(0));
  return out;
}

[[noreturn]] void throw_unknown(store::Store& store, const std::string& name) {
  std::string guess = util::did_you_mean(name, ion_names(store));
  throw Error(Exit::not_found, "no ION named '" + name + "'", guess.empty() ? "" : "did you mean '" + guess + "'?");
}

struct PipelineFacts {
  bool produces = false, consumes = false;
  std::vector<pipeline::Arg> args;
};

bool value_fits(const std::string& value, const std::string& type) {
  char* end = nullptr;
  if (type == "int") {
    std::strtoll(value.c_str(), &end, 10);
    return !value.empty() && *end == '\0';
  }
  if (type == "float") {
    std::strtod(value.c_str(), &end);
    return !value.empty() && *end == '\0';
  }
  if (type == "bool") return value == "true" || value == "false";
  return true;
}

// Writes one revision and makes it current; returns its number.
int64_t record(store::Store& store, const std::string& name, const json& spec, const std::string& source,
               const std::string& source_name, const std::string& actor, int64_t now_ms, const std::string& cause) {
  auto db = store.catalog().handle();
  Stmt(db, "INSERT OR IGNORE INTO ions(name, revision, created_ms) VALUES(?, 0, ?)").bind(1, name).bind(2, now_ms).run();
  int64_t id = 0, revision = 0;
  {
    Stmt s(db, "SELECT id, (SELECT coalesce(max(revision), 0) FROM ion_revisions WHERE ion_id = ions.id) FROM ions WHERE name = ?");
    s.bind(1, name).step();
    id = s.integer(0);
    revision = s.integer(1) + 1;
  }
  Stmt ins(db,
           "INSERT INTO ion_revisions(ion_id, revision, spec, source, source_name, applied_ms, applied_by, cause) "
           "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, id).bind(2, revision).bind(3, spec.dump()).bind(4, source).bind(5, source_name);
  ins.bind(6, now_ms).bind(7, actor).bind(8, cause).run();
  Stmt(db, "UPDATE ions SET revision = ? WHERE id = ?").bind(1, revision).bind(2, id).run();
  return revision;
}

}  // namespace

void check_references(store::Store& store, const IonManifest& ion,
                      const std::map<std::string, pipeline::PipelineManifest>& pending) {
  std::map<std::string, PipelineFacts> facts;
  for (const auto& n : ion.nodes) {
    if (n.policy) continue;
    auto ref = store::parse_model_ref(n.pipeline);
    PipelineFacts f;
    auto p = pending.find(ref.name);
    if (p != pending.end() && ref.kind == store::ModelRef::Kind::name) {
      f = {p->second.produces, p->second.consumes, p->second.args};
    } else {
      try {
        auto v = pipeline::resolve_pipeline(store, ref);
        f.produces = v.summary.value("produces", false);
        f.consumes = v.summary.value("consumes", false);
        for (const auto& a : v.summary["args"]) {
          pipeline::Arg arg{a["name"], a["type"], std::nullopt, ""};
          if (a.contains("default")) arg.value = a["default"].get<std::string>();
          f.args.push_back(arg);
        }
      } catch (const Error& e) {
        if (e.code() != Exit::not_found) throw;
        n.pipeline_at->fail(e.what(), e.hint().empty() ? "upload it with 'mlops pipeline upload DIR', or apply a "
                                                         "directory that holds it"
                                                       : e.hint());
      }
    }
    std::vector<std::string> known;
    for (const auto& a : f.args) known.push_back(a.name);
    for (const auto& [key, value] : n.args) {
      auto it = std::find_if(f.args.begin(), f.args.end(), [&](auto& a) { return a.name == key; });
      const auto& at = n.args_at.at(key);
      if (it == f.args.end()) {
        std::string guess = util::did_you_mean(key, known);
        at.fail("pipeline '" + n.pipeline + "' has no argument '" + key + "'",
                guess.empty() ? "" : "did you mean '" + guess + "'?");
      }
      if (!value_fits(value, it->type))
        at.fail("argument '" + key + "' of pipeline '" + n.pipeline + "' takes " +
                (it->type == "int" ? "an int" : "a " + it->type) + ", not '" + value + "'");
    }
    for (const auto& a : f.args)
      if (!a.value && !n.args.count(a.name))
        n.pipeline_at->fail("node '" + n.name + "' must set argument '" + a.name + "' of pipeline '" + n.pipeline + "'");
    facts[n.name] = f;
  }
  for (const auto& e : ion.edges) {
    if (e.on != "model") continue;
    auto from = facts.find(e.from);
    if (from != facts.end() && !from->second.produces)
      e.at->fail("node '" + e.from + "' sends a model, but pipeline '" + ion.find(e.from)->pipeline + "' produces none");
    auto to = facts.find(e.to);
    if (to != facts.end() && !to->second.consumes)
      e.at->fail("node '" + e.to + "' receives a model, but pipeline '" + ion.find(e.to)->pipeline + "' consumes none");
  }
}

void check_once_each(const std::vector<ApplyItem>& items) {
  std::set<std::string> seen;
  for (const auto& item : items)
    if (!seen.insert(item.ion.name).second)
      item.ion.at->at("metadata").at("name").fail("ION '" + item.ion.name + "' is applied twice in one go");
}

std::vector<ApplyResult> apply_ions(store::Store& store, const std::vector<ApplyItem>& items, const std::string& actor,
                                    int64_t now_ms, const std::string& cause, bool dry_run) {
  check_once_each(items);
  // A dry run only reads, so it needs no write lock (and works on a store it may not write).
  std::optional<store::Catalog::Transaction> tx;
  if (!dry_run) tx.emplace(store.catalog());
  std::vector<ApplyResult> results;
  for (const auto& item : items) {
    json spec = to_json(item.ion);
    ApplyResult r{item.ion.name, "created", 0};
    Stmt s(store.catalog().handle(),
           "SELECT r.spec, r.revision FROM ions i JOIN ion_revisions r ON r.ion_id = i.id AND r.revision = i.revision "
           "WHERE i.name = ?");
    s.bind(1, item.ion.name);
    if (s.step()) {
      r.outcome = json::parse(s.text(0)) == spec ? "unchanged" : "configured";
      r.revision = s.integer(1);
    }
    if (r.outcome != "unchanged") {
      r.revision = dry_run ? r.revision + 1
                           : record(store, item.ion.name, spec, item.source, item.source_name, actor, now_ms, cause);
    }
    results.push_back(r);
  }
  if (tx) tx->commit();
  return results;
}

std::vector<Revision> list_ions(store::Store& store) {
  std::vector<Revision> out;
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns +
                                       " FROM ions i JOIN ion_revisions r ON r.ion_id = i.id AND r.revision = i.revision "
                                       "ORDER BY i.name");
  while (s.step()) out.push_back(read_row(s));
  return out;
}

Revision current_revision(store::Store& store, const std::string& name) {
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns +
                                       " FROM ions i JOIN ion_revisions r ON r.ion_id = i.id AND r.revision = i.revision "
                                       "WHERE i.name = ?");
  s.bind(1, name);
  if (!s.step()) throw_unknown(store, name);
  return read_row(s);
}

std::vector<Revision> ion_history(store::Store& store, const std::string& name) {
  std::vector<Revision> out;
  Stmt s(store.catalog().handle(), std::string("SELECT ") + kColumns +
                                       " FROM ions i JOIN ion_revisions r ON r.ion_id = i.id WHERE i.name = ? "
                                       "ORDER BY r.revision");
  s.bind(1, name);
  while (s.step()) out.push_back(read_row(s));
  if (out.empty()) throw_unknown(store, name);
  return out;
}

ApplyResult rollback_ion(store::Store& store, const std::string& name, int64_t to_revision, const std::string& actor,
                         int64_t now_ms) {
  store::Catalog::Transaction tx(store.catalog());
  auto history = ion_history(store, name);
  const Revision* target = nullptr;
  for (const auto& r : history)
    if (r.revision == to_revision) target = &r;
  if (!target)
    throw Error(Exit::not_found, "ION '" + name + "' has no revision " + std::to_string(to_revision),
                "see 'mlops ion history " + name + "'");
  ApplyResult result{name, "unchanged", history.back().revision};
  for (const auto& r : history)
    if (r.current && r.spec == target->spec) return result;
  result.outcome = "rolled back";
  result.revision = record(store, name, target->spec, target->source, target->source_name, actor, now_ms,
                           "rollback to revision " + std::to_string(to_revision));
  tx.commit();
  return result;
}

void delete_ion(store::Store& store, const std::string& name) {
  store::Catalog::Transaction tx(store.catalog());
  current_revision(store, name);
  Stmt(store.catalog().handle(), "DELETE FROM ions WHERE name = ?").bind(1, name).run();
  // An ION applied again under this name starts its timetables afresh.
  Stmt(store.catalog().handle(), "DELETE FROM schedule_state WHERE ion = ?").bind(1, name).run();
  tx.commit();
}

IonManifest load_revision(const Revision& r) {
  auto docs = manifest::parse_documents({r.source_name, r.source});
  for (const auto& d : docs)
    if (d.has("metadata") && d.at("metadata").has("name") && d.at("metadata").at("name").as_string() == r.name &&
        d.has("kind") && d.at("kind").as_string() == "ION")
      return parse_ion(d);
  throw Error(Exit::integrity, "revision " + std::to_string(r.revision) + " of ION '" + r.name + "' has no manifest");
}

}  // namespace mlops::ion
