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
    c.exec("DROP TABLE webhook_deliveries; DROP TABLE alert_cursors; DROP TABLE alerts; DROP TABLE run_requests; DROP TABLE agents; DROP TABLE tokens; DROP TABLE schedule_state; DROP TABLE run_events; DROP TABLE stats; DROP TABLE approvals; DROP TABLE flow_events; DROP TABLE runs; DROP TABLE ion_revisions; DROP TABLE ions; DROP TABLE pipeline_versions; "
           "DROP TABLE pipelines; "
           "PRAGMA user_version=1");
  }
  Catalog c(dir / "catalog.db", false);
  CHECK(c.schema_version() == Catalog::kSchemaVersion);
  Stmt s(c.handle(), "SELECT count(*) FROM pipelines");
  REQUIRE(s.step());
  CHECK(s.integer(0) == 0);
}

TEST_CASE("a version 6 catalog keeps its runs when runs learn to be cancelled") {
  mlops::testing::TempDir dir;
  {
    Catalog c(dir / "catalog.db", true);
    c.exec("DROP TABLE webhook_deliveries; DROP TABLE alert_cursors; DROP TABLE alerts; DROP TABLE run_requests; DROP TABLE agents; DROP TABLE tokens; DROP TABLE schedule_state; DROP TABLE run_events; DROP TABLE stats; DROP TABLE runs; "
           "CREATE TABLE runs(id TEXT PRIMARY KEY, ion TEXT NOT NULL, node TEXT NOT NULL, pipeline TEXT NOT NULL, "
           "status TEXT NOT NULL CHECK(status IN ('running', 'succeeded', 'failed')), outcome TEXT NOT NULL, "
           "args TEXT NOT NULL, model TEXT NOT NULL, model_in TEXT NOT NULL, started_ms INTEGER NOT NULL, "
           "finished_ms INTEGER, actor TEXT NOT NULL); "
           "INSERT INTO runs VALUES('r1', 'i', 'n', 'p:1', 'succeeded', 'exit 0', '{}', '', '', 5, 6, 'ann'); "
           "PRAGMA user_version=6");
  }
  Catalog c(dir / "catalog.db", false);
  CHECK(c.schema_version() == Catalog::kSchemaVersion);
  Stmt s(c.handle(), "SELECT id, status, attempts, cancel_requested_by FROM runs");
  REQUIRE(s.step());
  CHECK(s.text(0) == "r1");
  CHECK(s.text(1) == "succeeded");
  CHECK(s.integer(2) == 1);
  CHECK(s.text(3) == "");
  c.exec("UPDATE runs SET status = 'cancelled'");
  // Version 8: Spark's state of the application, empty for runs from before it.
  Stmt spark(c.handle(), "SELECT spark_state, spark_app FROM runs");
  REQUIRE(spark.step());
  CHECK(spark.text(0) == "");
  CHECK(spark.text(1) == "");
  c.exec("UPDATE runs SET spark_state = 'lost'");
  CHECK_THROWS(c.exec("UPDATE runs SET spark_state = 'exploded'"));
}
