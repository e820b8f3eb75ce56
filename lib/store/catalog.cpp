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


bool small_footprint() {
  return sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) == SQLITE_OK &&
         sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0) == SQLITE_OK;
}

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
    exec(migration(v));
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
