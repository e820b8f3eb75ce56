#include "store/catalog.hpp"

#include <sys/stat.h>

#include <chrono>
#include <iterator>
#include <thread>

#include "util/error.hpp"

namespace mlops::store {

using util::Error;
using util::Exit;

void throw_sqlite(sqlite3* db, const std::string& what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
  Exit exit = Exit::error;
  switch (code & 0xff) {
    case SQLITE_FULL:
      exit = Exit::no_space;
      msg = "no space left on device";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      exit = Exit::permission;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      exit = Exit::integrity;
      break;
    default:
      break;
  }
  throw Error(exit, "cannot " + what + ": " + msg);
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    throw_sqlite(db, "prepare catalog query");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bind_real(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Stmt& Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, "query the catalog");
}

std::string Stmt::text(int column) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

int64_t Stmt::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Stmt::real(int column) const { return sqlite3_column_double(stmt_, column); }

bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Catalog::Catalog(const std::string& path, bool create) : path_(path) {
  struct stat st;
  if (!create && ::stat(path.c_str(), &st) != 0) util::throw_errno("open catalog", path, errno);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(Exit::error, "cannot open catalog '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(db_, 30000);
  sqlite3_extended_result_codes(db_, 1);
  try {
    int version = schema_version();
    if (version > kSchemaVersion)
      throw Error(Exit::incompatible,
                  "store catalog '" + path + "' has schema version " + std::to_string(version) +
                      ", newer than this mlops supports (" + std::to_string(kSchemaVersion) + ")",
                  "upgrade mlops to use this store");
    exec("PRAGMA foreign_keys=ON");
    // FULL makes every commit durable even in WAL mode: a push that printed its version survives
    // a power cut.
    exec("PRAGMA synchronous=FULL");
    if (version < kSchemaVersion) migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Catalog::~Catalog() { sqlite3_close(db_); }

void Catalog::exec(std::string_view sql) {
  char* err = nullptr;
  std::string owned(sql);
  if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    throw_sqlite(db_, "update the catalog");
  }
}

int Catalog::schema_version() {
  Stmt s(db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

// Migration N brings the schema from version N-1 to N. Append, never edit.
static const char* const kMigrations[] = {
    // 1: models, versions, aliases and their history.
    R"sql(
CREATE TABLE models(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  next_version INTEGER NOT NULL DEFAULT 1,
  created_ms INTEGER NOT NULL);
CREATE TABLE versions(
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  type TEXT NOT NULL CHECK(type IN ('file', 'directory')),
  size INTEGER NOT NULL,
  files INTEGER NOT NULL,
  mode INTEGER NOT NULL,
  source TEXT NOT NULL,
  metrics TEXT NOT NULL,
  params TEXT NOT NULL,
  labels TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY(model_id, version));
CREATE INDEX versions_by_digest ON versions(digest);
CREATE TABLE aliases(
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY(model_id, alias));
CREATE TABLE model_events(
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  action TEXT NOT NULL,
  alias TEXT,
  from_version INTEGER,
  to_version INTEGER,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL);
CREATE INDEX model_events_by_model ON model_events(model, id);
)sql",
    // 2: pipelines, versioned bundles (a deterministic tar blob each).
    R"sql(
CREATE TABLE pipelines(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  next_version INTEGER NOT NULL DEFAULT 1,
  created_ms INTEGER NOT NULL);
CREATE TABLE pipeline_versions(
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  engine TEXT NOT NULL,
  files INTEGER NOT NULL,
  size INTEGER NOT NULL,
  summary TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY(pipeline_id, version));
CREATE INDEX pipeline_versions_by_digest ON pipeline_versions(digest);
)sql",
    // 3: IONs and every revision applied to them.
    R"sql(
CREATE TABLE ions(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE ion_revisions(
  ion_id INTEGER NOT NULL REFERENCES ions(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  spec TEXT NOT NULL,
  source TEXT NOT NULL,
  source_name TEXT NOT NULL,
  applied_ms INTEGER NOT NULL,
  applied_by TEXT NOT NULL,
  cause TEXT NOT NULL,
  PRIMARY KEY(ion_id, revision));
)sql",
    // 4: runs of pipeline nodes.
    R"sql(
CREATE TABLE runs(
  id TEXT PRIMARY KEY,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('running', 'succeeded', 'failed')),
  outcome TEXT NOT NULL,
  args TEXT NOT NULL,
  model TEXT NOT NULL,
  model_in TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  actor TEXT NOT NULL);
CREATE INDEX runs_by_node ON runs(ion, node, started_ms);
)sql",
    // 5: models moving through IONs: policy decisions and deliveries to pipeline nodes.
    R"sql(
CREATE TABLE flow_events(
  id INTEGER PRIMARY KEY,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('passed', 'failed', 'pending', 'delivered')),
  reason TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
CREATE INDEX flow_events_by_node ON flow_events(ion, node, kind, id);
)sql",
    // 6: people's decisions on models held by approval policies.
    R"sql(
CREATE TABLE approvals(
  id INTEGER PRIMARY KEY,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  model TEXT NOT NULL,
  actor TEXT NOT NULL,
  decision TEXT NOT NULL CHECK(decision IN ('approve', 'reject')),
  comment TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
CREATE INDEX approvals_by_model ON approvals(ion, node, model);
)sql",
    // 7: runs that are cancelled, retried and controlled from other processes; models deployed into
    // running services; what runs report while they run (stats, SDK events and alerts); where each
    // scheduled node's timetable stands. SQLite cannot change a CHECK constraint, so runs and
    // flow_events are rebuilt.
    R"sql(
CREATE TABLE runs_v7(
  id TEXT PRIMARY KEY,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('running', 'succeeded', 'failed', 'cancelled')),
  outcome TEXT NOT NULL,
  args TEXT NOT NULL,
  model TEXT NOT NULL,
  model_in TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  actor TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  runner_pid INTEGER NOT NULL DEFAULT 0,
  process_group INTEGER NOT NULL DEFAULT 0,
  cancel_requested_by TEXT NOT NULL DEFAULT '');
INSERT INTO runs_v7(id, ion, node, pipeline, status, outcome, args, model, model_in, started_ms, finished_ms, actor)
  SELECT id, ion, node, pipeline, status, outcome, args, model, model_in, started_ms, finished_ms, actor FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v7 RENAME TO runs;
CREATE INDEX runs_by_node ON runs(ion, node, started_ms);
CREATE TABLE stats(
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  step INTEGER,
  value REAL NOT NULL,
  labels TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
CREATE INDEX stats_by_run ON stats(run, name, id);
CREATE TABLE run_events(
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('event', 'alert')),
  level TEXT NOT NULL,
  name TEXT NOT NULL,
  message TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
CREATE INDEX run_events_by_kind ON run_events(kind, id);
CREATE TABLE flow_events_v7(
  id INTEGER PRIMARY KEY,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('passed', 'failed', 'pending', 'delivered', 'deployed')),
  reason TEXT NOT NULL,
  at_ms INTEGER NOT NULL);
INSERT INTO flow_events_v7 SELECT id, ion, node, model, kind, reason, at_ms FROM flow_events;
DROP TABLE flow_events;
ALTER TABLE flow_events_v7 RENAME TO flow_events;
CREATE INDEX flow_events_by_node ON flow_events(ion, node, kind, id);
CREATE TABLE schedule_state(
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  timetable TEXT NOT NULL,
  last_slot_ms INTEGER NOT NULL,
  PRIMARY KEY(ion, node));
)sql",
    // 8: where a Spark run's application stands, in Spark's own words, and which application it is.
    R"sql(
ALTER TABLE runs ADD COLUMN spark_state TEXT NOT NULL DEFAULT ''
  CHECK(spark_state IN ('', 'submitted', 'running', 'finished', 'failed', 'killed', 'lost'));
ALTER TABLE runs ADD COLUMN spark_app TEXT NOT NULL DEFAULT '';
)sql",
    // 9: bearer tokens for people and CI (the secret only as its SHA-256).
    R"sql(
CREATE TABLE tokens(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK(role IN ('viewer', 'operator', 'approver', 'admin')),
  secret_sha256 TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER,
  revoked_ms INTEGER);
)sql",
    // 10: agents that joined the server, and the certificate each was given.
    R"sql(
CREATE TABLE agents(
  name TEXT PRIMARY KEY,
  certificate_sha256 TEXT NOT NULL,
  not_after_ms INTEGER NOT NULL,
  joined_by TEXT NOT NULL,
  joined_ms INTEGER NOT NULL,
  last_seen_ms INTEGER);
)sql",
    // 11: what a running agent says of itself, whether it may still connect, and how far its spool
    // has been taken in (the highest sequence number applied, so a resend is applied once).
    R"sql(
ALTER TABLE agents ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
ALTER TABLE agents ADD COLUMN engines TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN version TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN spool TEXT NOT NULL DEFAULT '{}';
ALTER TABLE agents ADD COLUMN revoked_ms INTEGER;
)sql",
};
static_assert(std::size(kMigrations) == Catalog::kSchemaVersion, "one migration per schema version");

std::vector<std::pair<std::string, std::string>> other_blob_roots(Catalog& catalog) {
  std::vector<std::pair<std::string, std::string>> out;
  Stmt s(catalog.handle(),
         "SELECT v.digest, p.name, v.version FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id");
  while (s.step()) out.emplace_back(s.text(0), "pipeline/" + s.text(1) + ":" + std::to_string(s.integer(2)));
  return out;
}

void Catalog::migrate() {
  // Switching to WAL needs an exclusive lock and SQLite does not wait for it through the busy
  // handler, so several processes creating one store at once retry here.
  for (int attempt = 0;; ++attempt) {
    int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) throw_sqlite(db_, "update the catalog");
    if (attempt == 3000) throw_sqlite(db_, "update the catalog");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Transaction tx(*this);
  // Re-read under the write lock: another process may have migrated meanwhile.
  int version = schema_version();
  for (int v = version; v < kSchemaVersion; ++v) {
    exec(kMigrations[v]);
    exec("PRAGMA user_version=" + std::to_string(v + 1));
  }
  tx.commit();
}

Catalog::Transaction::Transaction(Catalog& catalog) : catalog_(catalog) { catalog_.exec("BEGIN IMMEDIATE"); }

Catalog::Transaction::~Transaction() {
  if (!done_) sqlite3_exec(catalog_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Catalog::Transaction::commit() {
  catalog_.exec("COMMIT");
  done_ = true;
}

}  // namespace mlops::store
