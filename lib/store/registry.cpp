#include "store/registry.hpp"

#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace mlops::store {

using nlohmann::json;
using util::Error;
using util::Exit;

namespace {

const char* const kVersionColumns =
    "m.name, v.version, v.digest, v.type, v.size, v.files, v.mode, v.source, v.metrics, v.params, v.labels, "
    "v.created_ms, v.created_by";

ModelVersion read_version(const Stmt& s) {
  ModelVersion v;
  v.name = s.text(0);
  v.version = s.integer(1);
  v.digest = s.text(2);
  v.type = s.text(3);
  v.size = static_cast<uint64_t>(s.integer(4));
  v.files = static_cast<uint64_t>(s.integer(5));
  v.mode = static_cast<uint32_t>(s.integer(6));
  v.source = s.text(7);
  v.metrics = json::parse(s.text(8));
  v.params = json::parse(s.text(9));
  v.labels = json::parse(s.text(10));
  v.created_ms = s.integer(11);
  v.created_by = s.text(12);
  return v;
}

// Aliases of every version of the models in `versions`, filled in with one query per model.
void attach_aliases(sqlite3* db, std::vector<ModelVersion>& versions) {
  std::map<std::pair<std::string, int64_t>, std::vector<std::string>> by_version;
  Stmt s(db,
         "SELECT m.name, a.version, a.alias FROM aliases a JOIN models m ON m.id = a.model_id "
         "ORDER BY a.alias");
  while (s.step()) by_version[{s.text(0), s.integer(1)}].push_back(s.text(2));
  for (auto& v : versions) {
    auto it = by_version.find({v.name, v.version});
    if (it != by_version.end()) v.aliases = it->second;
  }
}

}  // namespace

void Registry::throw_unknown_model(const std::string& name) {
  std::string guess = util::did_you_mean(name, model_names());
  throw Error(Exit::not_found, "no model named '" + name + "'", guess.empty() ? "" : "did you mean '" + guess + "'?");
}

int64_t Registry::model_id(const std::string& name) {
  Stmt s(catalog_.handle(), "SELECT id FROM models WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) throw_unknown_model(name);
  return s.integer(0);
}

void Registry::record(const ModelEvent& e) {
  Stmt s(catalog_.handle(),
         "INSERT INTO model_events(model, action, alias, from_version, to_version, at_ms, actor) "
         "VALUES(?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, e.model).bind(2, e.action);
  e.alias.empty() ? s.bind_null(3) : s.bind(3, e.alias);
  e.from_version ? s.bind(4, *e.from_version) : s.bind_null(4);
  e.to_version ? s.bind(5, *e.to_version) : s.bind_null(5);
  s.bind(6, e.at_ms).bind(7, e.actor);
  s.run();
}

ModelVersion Registry::add_version(ModelVersion v) {
  v.version = 0;
  return insert_version(std::move(v));
}

ModelVersion Registry::import_version(ModelVersion v) {
  if (v.version <= 0) throw util::Error(util::Exit::usage, "cannot import model '" + v.name + "' without a version");
  return insert_version(std::move(v));
}

ModelVersion Registry::insert_version(ModelVersion v) {
  Catalog::Transaction tx(catalog_);
  {
    Stmt s(catalog_.handle(), "INSERT OR IGNORE INTO models(name, created_ms) VALUES(?, ?)");
    s.bind(1, v.name).bind(2, v.created_ms).run();
  }
  int64_t id = 0;
  {
    Stmt s(catalog_.handle(), "SELECT id, next_version FROM models WHERE name = ?");
    s.bind(1, v.name).step();
    id = s.integer(0);
    if (v.version == 0) v.version = s.integer(1);
  }
  {
    // An import of a version already here is done when it is the same content, refused otherwise.
    Stmt s(catalog_.handle(), "SELECT digest FROM versions WHERE model_id = ? AND version = ?");
    s.bind(1, id).bind(2, v.version);
    if (s.step()) {
      if (s.text(0) != v.digest)
        throw util::Error(util::Exit::integrity, "model/" + v.name + ":" + std::to_string(v.version) +
                                                     " exists here with other content (sha256:" + s.text(0) + ")");
      ModelRef ref;
      ref.kind = ModelRef::Kind::version;
      ref.name = v.name;
      ref.version = v.version;
      ref.text = v.name + ":" + std::to_string(v.version);
      return resolve(ref);
    }
  }
  Stmt(catalog_.handle(), "UPDATE models SET next_version = max(next_version, ? + 1) WHERE id = ?")
      .bind(1, v.version)
      .bind(2, id)
      .run();
  Stmt s(catalog_.handle(),
         "INSERT INTO versions(model_id, version, digest, type, size, files, mode, source, metrics, params, "
         "labels, created_ms, created_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, id).bind(2, v.version).bind(3, v.digest).bind(4, v.type);
  s.bind(5, static_cast<int64_t>(v.size)).bind(6, static_cast<int64_t>(v.files)).bind(7, int64_t{v.mode});
  s.bind(8, v.source).bind(9, v.metrics.dump()).bind(10, v.params.dump()).bind(11, v.labels.dump());
  s.bind(12, v.created_ms).bind(13, v.created_by);
  s.run();
  record({v.created_ms, v.created_by, v.name, "push", "", std::nullopt, v.version});
  tx.commit();
  return v;
}

std::vector<ModelVersion> Registry::list(const ListFilter& filter) {
  std::string sql = std::string("SELECT ") + kVersionColumns +
                    " FROM versions v JOIN models m ON m.id = v.model_id WHERE 1";
  if (!filter.name.empty()) sql += " AND m.name = ?";
  for (size_t i = 0; i < filter.labels.size(); ++i) sql += " AND json_extract(v.labels, ?) = ?";
  sql += " ORDER BY m.name, v.version";
  Stmt s(catalog_.handle(), sql);
  int i = 1;
  if (!filter.name.empty()) s.bind(i++, filter.name);
  for (const auto& [key, value] : filter.labels) {
    s.bind(i++, "$." + json(key).dump());
    s.bind(i++, value);
  }
  std::vector<ModelVersion> out;
  while (s.step()) out.push_back(read_version(s));
  if (out.empty() && !filter.name.empty()) model_id(filter.name);  // unknown name: not found
  attach_aliases(catalog_.handle(), out);
  return out;
}

ModelVersion Registry::resolve(const ModelRef& ref) {
  std::string sql = std::string("SELECT ") + kVersionColumns + " FROM versions v JOIN models m ON m.id = v.model_id ";
  std::vector<ModelVersion> found;
  if (ref.kind == ModelRef::Kind::digest) {
    Stmt s(catalog_.handle(), sql + "WHERE v.digest = ? ORDER BY m.name, v.version LIMIT 1");
    s.bind(1, ref.digest);
    if (s.step()) found.push_back(read_version(s));
    if (found.empty()) throw Error(Exit::not_found, "no model version has digest 'sha256:" + ref.digest + "'");
  } else {
    int64_t id = model_id(ref.name);
    int64_t version = ref.version;
    if (ref.kind == ModelRef::Kind::alias) {
      Stmt a(catalog_.handle(), "SELECT version FROM aliases WHERE model_id = ? AND alias = ?");
      a.bind(1, id).bind(2, ref.alias);
      if (!a.step()) {
        std::vector<std::string> known;
        Stmt all(catalog_.handle(), "SELECT alias FROM aliases WHERE model_id = ?");
        all.bind(1, id);
        while (all.step()) known.push_back(all.text(0));
        std::string guess = util::did_you_mean(ref.alias, known);
        throw Error(Exit::not_found, "model '" + ref.name + "' has no alias '" + ref.alias + "'",
                    guess.empty() ? "" : "did you mean '" + ref.name + "@" + guess + "'?");
      }
      version = a.integer(0);
    }
    Stmt s(catalog_.handle(), sql + (ref.kind == ModelRef::Kind::name
                                         ? "WHERE v.model_id = ? ORDER BY v.version DESC LIMIT 1"
                                         : "WHERE v.model_id = ? AND v.version = ?"));
    s.bind(1, id);
    if (ref.kind != ModelRef::Kind::name) s.bind(2, version);
    if (s.step()) found.push_back(read_version(s));
    if (found.empty()) {
      if (ref.kind == ModelRef::Kind::name) throw Error(Exit::not_found, "model '" + ref.name + "' has no versions");
      throw Error(Exit::not_found, "model '" + ref.name + "' has no version " + std::to_string(version));
    }
  }
  attach_aliases(catalog_.handle(), found);
  return found.front();
}

std::vector<ModelVersion> Registry::remove(const ModelRef& ref, const std::string& actor, int64_t now_ms) {
  require_named(ref, "delete by");
  Catalog::Transaction tx(catalog_);
  std::vector<ModelVersion> removed;
  int64_t id = model_id(ref.name);
  if (ref.kind == ModelRef::Kind::name) {
    removed = list({ref.name, {}});
    Stmt(catalog_.handle(), "DELETE FROM models WHERE id = ?").bind(1, id).run();
    record({now_ms, actor, ref.name, "delete", "", std::nullopt, std::nullopt});
  } else {
    ModelVersion v = resolve(ref);
    removed.push_back(v);
    for (const auto& alias : v.aliases) {
      Stmt(catalog_.handle(), "DELETE FROM aliases WHERE model_id = ? AND alias = ?").bind(1, id).bind(2, alias).run();
      record({now_ms, actor, ref.name, "alias", alias, v.version, std::nullopt});
    }
    Stmt(catalog_.handle(), "DELETE FROM versions WHERE model_id = ? AND version = ?").bind(1, id).bind(2, v.version).run();
    record({now_ms, actor, ref.name, "delete", "", v.version, std::nullopt});
  }
  tx.commit();
  return removed;
}

AliasMove Registry::set_alias(const ModelRef& ref, const std::string& alias, const std::string& actor,
                              int64_t now_ms) {
  validate_alias(alias);
  require_named(ref, "set an alias on");
  Catalog::Transaction tx(catalog_);
  ModelVersion v = resolve(ref);
  int64_t id = model_id(v.name);
  AliasMove move;
  move.to_version = v.version;
  {
    Stmt s(catalog_.handle(), "SELECT version FROM aliases WHERE model_id = ? AND alias = ?");
    s.bind(1, id).bind(2, alias);
    if (s.step()) move.from_version = s.integer(0);
  }
  if (move.from_version != move.to_version) {
    Stmt s(catalog_.handle(),
           "INSERT INTO aliases(model_id, alias, version) VALUES(?, ?, ?) "
           "ON CONFLICT(model_id, alias) DO UPDATE SET version = excluded.version");
    s.bind(1, id).bind(2, alias).bind(3, v.version).run();
    record({now_ms, actor, v.name, "alias", alias, move.from_version, v.version});
  }
  tx.commit();
  return move;
}

std::vector<ModelEvent> Registry::history(const std::string& name) {
  std::vector<ModelEvent> out;
  Stmt s(catalog_.handle(),
         "SELECT at_ms, actor, model, action, alias, from_version, to_version FROM model_events "
         "WHERE model = ? ORDER BY id");
  s.bind(1, name);
  while (s.step()) {
    ModelEvent e;
    e.at_ms = s.integer(0);
    e.actor = s.text(1);
    e.model = s.text(2);
    e.action = s.text(3);
    e.alias = s.text(4);
    if (!s.is_null(5)) e.from_version = s.integer(5);
    if (!s.is_null(6)) e.to_version = s.integer(6);
    out.push_back(std::move(e));
  }
  if (out.empty()) throw_unknown_model(name);
  return out;
}

std::vector<std::string> Registry::model_names() {
  std::vector<std::string> out;
  Stmt s(catalog_.handle(), "SELECT name FROM models ORDER BY name");
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::set<std::string> Registry::version_digests() {
  std::set<std::string> out;
  Stmt s(catalog_.handle(), "SELECT DISTINCT digest FROM versions");
  while (s.step()) out.insert(s.text(0));
  return out;
}

size_t Registry::version_count() {
  Stmt s(catalog_.handle(), "SELECT count(*) FROM versions");
  s.step();
  return static_cast<size_t>(s.integer(0));
}

std::string baseline_of(const ModelVersion& v) {
  auto it = v.params.find("baseline");
  if (it == v.params.end() || !it->is_string()) return "";
  std::string ref = *it;
  return ref.rfind("sha256:", 0) == 0 && util::is_sha256_hex(std::string_view(ref).substr(7)) ? ref.substr(7) : "";
}

}  // namespace mlops::store
