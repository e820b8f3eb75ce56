// The SQLite catalog: one file next to the blobs holding names, versions, aliases and events.
// WAL mode and a busy timeout let several processes read and write at once; schema changes are
// numbered migrations tracked in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops::store {

// A prepared statement; bind with 1-based indexes, step() until it returns false.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int index, std::string_view value);
  Stmt& bind(int index, int64_t value);
  Stmt& bind_real(int index, double value);
  Stmt& bind_null(int index);
  bool step();  // true while a row is available
  // Ready to run again with new bindings (one statement for a batch of rows).
  Stmt& reset();
  void run() {
    while (step()) {
    }
  }
  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Catalog {
 public:
  static constexpr int kSchemaVersion = 13;

  // Opens the catalog at `path`. With create=false a missing file is a not-found error. A catalog
  // from a newer mlops is refused before anything is written.
  Catalog(const std::string& path, bool create);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  void exec(std::string_view sql);
  int schema_version();

  // BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted. Taking the write lock up
  // front means two writers never deadlock upgrading read locks.
  class Transaction {
   public:
    explicit Transaction(Catalog& catalog);
    ~Transaction();
    void commit();

   private:
    Catalog& catalog_;
    bool done_ = false;
  };

 private:
  void migrate();
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Blobs the catalog references outside the model registry (pipeline bundles), as digest and the
// name of what uses it ("pipeline/NAME:VERSION"), so gc keeps them and fsck checks them.
std::vector<std::pair<std::string, std::string>> other_blob_roots(Catalog& catalog);

// For a long-lived process on a small device (an agent): SQLite without the buffers it sets aside
// per connection for speed (lookaside, a first batch of cache pages; 200 KB each). Call before any
// database is opened; false when it is too late.
bool small_footprint();

// The SQL that takes a catalog from schema version `from_version` to the next (migrations.cpp).
const char* migration(int from_version);

// Throws the util::Error for a failed SQLite call.
[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& what);

}  // namespace mlops::store
