// The catalog's schema, one migration per version: migration(v) takes a catalog from version v
// to v + 1. Each is applied once, in order, inside the transaction that bumps user_version.
#include "store/catalog.hpp"

#include <iterator>

namespace mlops::store {

namespace {

// Migration N brings the schema from version N-1 to N. Append, never edit.
const char* const kMigrations[] = {
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
    // 12: 'ion run' through a server: a node to run now on an agent it is placed on, and the run
    // that agent reported for it (none when the agent lost it: restarted while it ran); which
    // agent a run reported by one ran on, so a cancel can reach it.
    R"sql(
ALTER TABLE runs ADD COLUMN agent TEXT NOT NULL DEFAULT '';
CREATE TABLE run_requests(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  agent TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_ms INTEGER NOT NULL,
  run_id TEXT NOT NULL DEFAULT '',
  done_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX run_requests_pending ON run_requests(done_ms, agent);
CREATE INDEX runs_by_status ON runs(status);
)sql",
    // 13: stats read by node and name (health, queries) and pruned by age; who raised an alert
    // (a pipeline through the SDK, ML health, an agent); alerts as people see and acknowledge
    // them, each raised once from its origin (an alert event, a failed run, an expired approval),
    // with where its webhook delivery stands.
    R"sql(
CREATE INDEX stats_by_node ON stats(ion, node, source, name, id);
CREATE INDEX stats_by_time ON stats(at_ms);
ALTER TABLE run_events ADD COLUMN source TEXT NOT NULL DEFAULT 'pipeline';
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  origin TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  ion TEXT NOT NULL,
  node TEXT NOT NULL,
  run TEXT NOT NULL,
  model TEXT NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  acked_by TEXT NOT NULL DEFAULT '',
  acked_ms INTEGER,
  comment TEXT NOT NULL DEFAULT '');
CREATE TABLE alert_cursors(
  origin TEXT PRIMARY KEY,
  last INTEGER NOT NULL);
CREATE TABLE webhook_deliveries(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  kind TEXT NOT NULL,
  item TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_ms INTEGER NOT NULL,
  delivered_ms INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE(url, kind, item));
)sql",
};
static_assert(std::size(kMigrations) == Catalog::kSchemaVersion, "one migration per schema version");

}  // namespace

const char* migration(int from_version) { return kMigrations[from_version]; }

}  // namespace mlops::store
