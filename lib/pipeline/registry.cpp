#include "pipeline/registry.hpp"

#include "pipeline/archive.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::pipeline {

using nlohmann::json;
using store::Stmt;
using util::Error;
using util::Exit;

namespace {

const char* const kColumns =
    "p.name, v.version, v.digest, v.engine, v.files, v.size, v.summary, v.created_ms, v.created_by";

PipelineVersion read_row(const Stmt& s) {
  PipelineVersion v;
  v.name = s.text(0);
  v.version = s.integer(1);
  v.digest = s.text(2);
  v.engine = s.text(3);
  v.files = static_cast<uint64_t>(s.integer(4));
  v.size = static_cast<uint64_t>(s.integer(5));
  v.summary = json::parse(s.text(6));
  v.created_ms = s.integer(7);
  v.created_by = s.text(8);
  return v;
}

[[noreturn]] void throw_unknown(store::Store& store, const std::string& name) {
  std::vector<std::string> names;
  Stmt s(store.catalog().handle(), "SELECT name FROM pipelines ORDER BY name");
  while (s.step()) names.push_back(s.text(0));
  std::string guess = util::did_you_mean(name, names);
  throw Error(Exit::not_found, "no pipeline named '" + name + "'", guess.empty() ? "" : "did you mean '" + guess + "'?");
}

void insert_version(sqlite3* db, int64_t pipeline_id, const PipelineVersion& v) {
  Stmt ins(db,
           "INSERT INTO pipeline_versions(pipeline_id, version, digest, engine, files, size, summary, created_ms, "
           "created_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, pipeline_id).bind(2, v.version).bind(3, v.digest).bind(4, v.engine).bind(5, static_cast<int64_t>(v.files));
  ins.bind(6, static_cast<int64_t>(v.size)).bind(7, v.summary.dump()).bind(8, v.created_ms).bind(9, v.created_by);
  ins.run();
}

}  // namespace

json summarize(const PipelineManifest& m) {
  json args = json::array(), steps = json::array();
  for (const auto& a : m.args) {
    json item = {{"name", a.name}, {"type", a.type}};
    if (a.value) item["default"] = *a.value;
    if (!a.description.empty()) item["description"] = a.description;
    args.push_back(item);
  }
  for (const auto& s : m.steps) {
    json item = {{"name", s.name}, {"after", s.after}};
    if (s.spark) item["spark"] = s.spark->app;
    else item["run"] = s.run;
    steps.push_back(item);
  }
  return {{"description", m.description}, {"produces", m.produces}, {"consumes", m.consumes}, {"labels", m.labels},
          {"args", args}, {"steps", steps}};
}

UploadResult upload_pipeline(store::Store& store, const std::string& dir, const std::string& actor, int64_t now_ms) {
  std::string manifest_path = dir + "/pipeline.yaml";
  PipelineManifest m = parse_pipeline({manifest_path, util::read_file(manifest_path)});
  PackResult packed = pack_directory(dir);
  util::Fd held = store.lock(false);
  auto blob = store.blobs().put_bytes(packed.archive);

  UploadResult result;
  store::Catalog::Transaction tx(store.catalog());
  auto db = store.catalog().handle();
  Stmt(db, "INSERT OR IGNORE INTO pipelines(name, created_ms) VALUES(?, ?)").bind(1, m.name).bind(2, now_ms).run();
  int64_t id = 0;
  {
    Stmt s(db, "SELECT id, next_version FROM pipelines WHERE name = ?");
    s.bind(1, m.name).step();
    id = s.integer(0);
  }
  {
    Stmt latest(db, std::string("SELECT ") + kColumns +
                        " FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id WHERE v.pipeline_id = ? "
                        "ORDER BY v.version DESC LIMIT 1");
    latest.bind(1, id);
    if (latest.step() && latest.text(2) == blob.hex) {
      result.version = read_row(latest);
      result.unchanged = true;
      return result;  // the transaction rolls back: nothing to record
    }
  }
  PipelineVersion& v = result.version;
  {
    Stmt s(db, "SELECT next_version FROM pipelines WHERE id = ?");
    s.bind(1, id).step();
    v.version = s.integer(0);
  }
  v.name = m.name;
  v.digest = blob.hex;
  v.engine = m.engine;
  v.files = packed.files;
  v.size = packed.bytes;
  v.summary = summarize(m);
  v.created_ms = now_ms;
  v.created_by = actor;
  Stmt(db, "UPDATE pipelines SET next_version = next_version + 1 WHERE id = ?").bind(1, id).run();
  insert_version(db, id, v);
  tx.commit();
  return result;
}

void import_pipeline(store::Store& store, const PipelineVersion& v) {
  if (!store.blobs().has(v.digest)) store::throw_missing_blob(v.digest);
  store::Catalog::Transaction tx(store.catalog());
  auto db = store.catalog().handle();
  Stmt(db, "INSERT OR IGNORE INTO pipelines(name, created_ms) VALUES(?, ?)").bind(1, v.name).bind(2, v.created_ms).run();
  int64_t id = 0;
  {
    Stmt s(db, "SELECT id FROM pipelines WHERE name = ?");
    s.bind(1, v.name).step();
    id = s.integer(0);
  }
  {
    Stmt s(db, "SELECT digest FROM pipeline_versions WHERE pipeline_id = ? AND version = ?");
    s.bind(1, id).bind(2, v.version);
    if (s.step()) {
      if (s.text(0) != v.digest)
        throw Error(Exit::integrity, "pipeline/" + v.name + ":" + std::to_string(v.version) +
                                         " exists here with other content (sha256:" + s.text(0) + ")");
      return;
    }
  }
  Stmt(db, "UPDATE pipelines SET next_version = max(next_version, ? + 1) WHERE id = ?").bind(1, v.version).bind(2, id).run();
  insert_version(db, id, v);
  tx.commit();
}

std::vector<PipelineVersion> list_pipelines(store::Store& store, const std::string& name) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id";
  if (!name.empty()) sql += " WHERE p.name = ?";
  sql += " ORDER BY p.name, v.version";
  Stmt s(store.catalog().handle(), sql);
  if (!name.empty()) s.bind(1, name);
  std::vector<PipelineVersion> out;
  while (s.step()) out.push_back(read_row(s));
  if (out.empty() && !name.empty()) throw_unknown(store, name);
  return out;
}

PipelineVersion resolve_pipeline(store::Store& store, const store::ModelRef& ref) {
  using Kind = store::ModelRef::Kind;
  if (ref.kind == Kind::alias)
    throw Error(Exit::usage, "invalid pipeline reference '" + ref.text + "': pipelines have no aliases",
                "use NAME, NAME:VERSION or sha256:HEX");
  std::string sql = std::string("SELECT ") + kColumns + " FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id ";
  auto db = store.catalog().handle();
  if (ref.kind == Kind::digest) {
    Stmt s(db, sql + "WHERE v.digest = ? ORDER BY p.name, v.version LIMIT 1");
    s.bind(1, ref.digest);
    if (!s.step()) throw Error(Exit::not_found, "no pipeline version has digest 'sha256:" + ref.digest + "'");
    return read_row(s);
  }
  Stmt s(db, sql + (ref.kind == Kind::name ? "WHERE p.name = ? ORDER BY v.version DESC LIMIT 1"
                                           : "WHERE p.name = ? AND v.version = ?"));
  s.bind(1, ref.name);
  if (ref.kind == Kind::version) s.bind(2, ref.version);
  if (s.step()) return read_row(s);
  list_pipelines(store, ref.name);  // throws for an unknown name
  throw Error(Exit::not_found, "pipeline '" + ref.name + "' has no version " + std::to_string(ref.version));
}

void download_pipeline(store::Store& store, const PipelineVersion& v, const std::string& dest) {
  extract_archive(store.blobs().read_verified(v.digest), dest, "pipeline/" + v.name + ":" + std::to_string(v.version));
}

std::vector<PipelineVersion> delete_pipeline(store::Store& store, const store::ModelRef& ref) {
  if (ref.kind == store::ModelRef::Kind::digest)
    throw Error(Exit::usage, "cannot delete by digest '" + ref.text + "'", "name a version: NAME:VERSION");
  store::Catalog::Transaction tx(store.catalog());
  std::vector<PipelineVersion> removed;
  auto db = store.catalog().handle();
  if (ref.kind == store::ModelRef::Kind::name) {
    removed = list_pipelines(store, ref.name);
    Stmt(db, "DELETE FROM pipelines WHERE name = ?").bind(1, ref.name).run();
  } else {
    removed.push_back(resolve_pipeline(store, ref));
    Stmt(db, "DELETE FROM pipeline_versions WHERE version = ? AND pipeline_id = (SELECT id FROM pipelines WHERE name = ?)")
        .bind(1, ref.version)
        .bind(2, ref.name)
        .run();
  }
  tx.commit();
  return removed;
}

}  // namespace mlops::pipeline
