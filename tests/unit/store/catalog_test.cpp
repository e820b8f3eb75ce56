#include "store/catalog.hpp"

#include <doctest/doctest.h>

#include "../temp_dir.hpp"
#include "util/error.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

TEST_CASE("a new catalog is migrated to the current schema in WAL mode") {
  mlops::testing::TempDir dir;
  Catalog c(dir / "catalog.db", true);
  CHECK(c.schema_version() == Catalog::kSchemaVersion);
  Stmt s(c.handle(), "PRAGMA journal_mode");
  REQUIRE(s.step());
  CHECK(s.text(0) == "wal");
}

TEST_CASE("opening twice migrates once") {
  mlops::testing::TempDir dir;
  { Catalog c(dir / "catalog.db", true); }
  Catalog c(dir / "catalog.db", false);
  CHECK(c.schema_version() == Catalog::kSchemaVersion);
}

TEST_CASE("a catalog from a newer mlops is refused") {
  mlops::testing::TempDir dir;
  {
    Catalog c(dir / "catalog.db", true);
    c.exec("PRAGMA user_version=42");
  }
  try {
    Catalog c(dir / "catalog.db", false);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::incompatible);
    CHECK(e.hint() == "upgrade mlops to use this store");
  }
}

TEST_CASE("a missing catalog is not created unless asked") {
  mlops::testing::TempDir dir;
  try {
    Catalog c(dir / "catalog.db", false);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
  }
}

TEST_CASE("an uncommitted transaction rolls back") {
  mlops::testing::TempDir dir;
  Catalog c(dir / "catalog.db", true);
  {
    Catalog::Transaction tx(c);
    c.exec("INSERT INTO models(name, created_ms) VALUES('x', 1)");
  }
  Stmt s(c.handle(), "SELECT count(*) FROM models");
  s.step();
  CHECK(s.integer(0) == 0);
}

TEST_CASE("a version 1 catalog is migrated to the current schema") {
  mlops::testing::TempDir dir;
  {
    Catalog c(dir / "catalog.db", true);
    c.exec("DROP TABLE approvals; DROP TABLE flow_events; DROP TABLE runs; DROP TABLE ion_revisions; DROP TABLE ions; DROP TABLE pipeline_versions; "
           "DROP TABLE pipelines; "
           "PRAGMA user_version=1");
  }
  Catalog c(dir / "catalog.db", false);
  CHECK(c.schema_version() == Catalog::kSchemaVersion);
  Stmt s(c.handle(), "SELECT count(*) FROM pipelines");
  REQUIRE(s.step());
  CHECK(s.integer(0) == 0);
}
