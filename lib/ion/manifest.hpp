// kind: ION, the Intelligence Overlay Network: pipeline nodes (what runs where and when), policy
// nodes (whether a model moves on) and edges carrying models between them.
//
// Cycles are allowed, but not one that would fire itself instantly: every cycle needs a node that
// waits, either a pipeline node on its own schedule (cron or every, or run by hand) or an approval
// policy. A cycle made only of 'on: model' pipelines and auto or gate policies is refused.
//
// schemas/ion.schema.json describes the same shape; this parser adds the checks a schema cannot
// express and locates every error at file:line:col.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "health/scores.hpp"
#include "manifest/document.hpp"

namespace mlops::ion {

struct Schedule {
  std::string kind = "manual";  // manual, cron, every, model, alert
  std::string cron;
  std::string timezone = "UTC";
  std::string every;
  int64_t every_seconds = 0;
  std::string alert;  // for kind alert: only this alert name ("" = any)
  std::string missed = "skip";  // cron and every: slots missed while no agent ran: skip or run-one
};

// A failed run is tried again up to `limit` times, waiting backoff, 2 x backoff, 4 x backoff ...
struct Retry {
  int64_t limit = 0;
  std::string backoff = "10s";
  int64_t backoff_seconds = 10;
};

struct Placement {
  std::string agent;                            // a named agent, or
  std::map<std::string, std::string> selector;  // agents with all these labels; neither: the local agent
};

struct Condition {
  std::string source;  // metric or health
  std::string name;
  std::string op;  // >, >=, <, <=, ==, !=
  double value = 0;
};

struct Policy {
  std::string type;  // auto, gate, approval
  std::vector<Condition> conditions;
  std::vector<std::string> approvers;
  int64_t quorum = 1;
  bool requester_cannot_approve = true;
  std::string expires;
  int64_t expires_seconds = 0;
};

// Where a spark pipeline's applications run: spark-submit's master and deploy mode, and conf that
// overrides the pipeline's (the same pipeline runs on local[2] on a laptop and on YARN in production).
struct SparkTarget {
  std::string master = "local[*]";
  std::string deploy_mode = "client";
  std::map<std::string, std::string> conf;
  // conf spark.mlops.rest.after: how long into a run the driver's REST API is first asked. The
  // first request costs the driver about 2 CPU-seconds (Spark initialises Jersey), which a short
  // job would feel; the listener and the event log report from the first second regardless.
  int64_t rest_after_ms = 20000;
};

// ML health of a node whose runs report feature windows against their model's baseline: the
// thresholds past which a feature has drifted (for every feature, and per feature), and the name
// of the alert raised when one drifts.
struct Health {
  health::Thresholds thresholds;  // none given: psi 0.2
  std::map<std::string, health::Thresholds> features;
  std::string alert = "drift";
  health::Thresholds for_feature(const std::string& feature) const;
};

struct Node {
  std::string name;
  std::string description;
  std::string pipeline;  // reference; empty for a policy node
  std::optional<Policy> policy;
  Placement placement;
  Schedule schedule;
  std::map<std::string, std::string> args;
  std::string mode = "batch";  // batch or service
  std::string timeout;         // "" or a duration: an attempt still going then is killed, whole tree
  int64_t timeout_seconds = 0;
  Retry retry;
  // What a trigger does while a run of this node is still going: forbid (skip it), allow (run
  // both), replace (cancel the running one).
  std::string concurrency = "forbid";
  SparkTarget spark;
  Health health;
  std::optional<manifest::Value> pipeline_at;  // where the reference was written, for later errors
  std::map<std::string, manifest::Value> args_at;
};

// Most edges carry models. An edge 'on: alert' carries none: an alert raised by a run of `from`
// (by its pipeline, or by ML health when a feature drifts) starts `to`, e.g. retraining.
struct Edge {
  std::string from, to;
  std::string on = "model";  // model or alert
  std::string alert;         // on: alert: only this alert name ("" = any)
  std::optional<manifest::Value> at;
};


// Where this ION's alerts and pending approvals are posted (signed with HMAC-SHA256 under the
// secret in the environment variable `secret_env` of the process that posts: the server, or the
// local agent), besides any the server itself is told of.
struct Webhook {
  std::string url;
  std::string secret_env;
};

struct IonManifest {
  std::string name;
  std::string description;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<Webhook> webhooks;
  std::optional<manifest::Value> at;

  const Node* find(const std::string& node) const;
  // The node, or a not-found error naming the ION, with a did-you-mean.
  const Node& require(const std::string& node) const;
};

// Parses and validates one document of kind ION.
IonManifest parse_ion(const manifest::Value& doc);

// The canonical form: equal manifests give equal JSON, whatever their YAML spelling.
nlohmann::json to_json(const IonManifest& ion);

// One-line descriptions for tables and graphs: "cron 0 10 * * 2 (Europe/Berlin)", "approval by alice, bob".
std::string describe(const Schedule& s);
std::string describe(const Policy& p);
std::string describe(const Placement& p);
std::string describe(const Edge& e);  // "model", "on alert", "on alert drift"

}  // namespace mlops::ion
