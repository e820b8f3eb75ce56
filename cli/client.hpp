// What commands ask of wherever the models are, with one implementation over the local store
// (local_client.cpp) and one over a server (server_client.cpp, a context from cli/config.hpp), so a
// command reads the same either way. What works on a store directory beside it (init, store, token,
// server run) does not go through here and refuses a server context (see Env::store).
#pragma once

#include <memory>
#include <vector>

#include "cli/config.hpp"
#include "ion/apply.hpp"
#include "net/http.hpp"
#include "pipeline/registry.hpp"
#include "runtime/alerts.hpp"
#include "runtime/approval.hpp"
#include "runtime/events.hpp"
#include "runtime/flow.hpp"
#include "runtime/health.hpp"
#include "runtime/run.hpp"
#include "stats/series.hpp"
#include "store/registry.hpp"
#include "store/store.hpp"
#include "store/tree.hpp"
#include "util/time.hpp"

namespace mlops::cli {

class Client {
 public:
  virtual ~Client() = default;
  virtual std::vector<store::ModelVersion> list_models(const store::ListFilter& filter) = 0;
  // A version by reference, with its tree when it is a directory.
  virtual std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) = 0;
  // A new version from a file or directory; the version as recorded.
  virtual store::ModelVersion push_model(const store::PushRequest& request) = 0;
  // The version, written under its source name inside dest_dir, verified, or not at all.
  virtual store::PullResult pull_model(const std::string& ref, const std::string& dest_dir, bool force) = 0;
  // NAME: every version; NAME:VERSION or NAME@ALIAS: one. The versions removed.
  virtual std::vector<store::ModelVersion> delete_models(const std::string& ref) = 0;
  virtual store::AliasMove set_alias(const std::string& ref, const std::string& alias) = 0;
  virtual std::vector<store::ModelEvent> model_history(const std::string& name) = 0;
  // An earlier model delivered to an ION's pipeline node again.
  virtual runtime::FlowEvent rollback_model(const std::string& ion, const std::string& node, const std::string& to) = 0;

  // IONs with the pipelines that come with them, checked then applied (dry_run: checked only).
  virtual std::vector<ion::Applied> apply_ions(const ion::ApplyInputs& inputs, const std::string& cause, bool dry_run) = 0;
  virtual std::vector<ion::Revision> list_ions() = 0;
  virtual ion::Revision current_ion(const std::string& name) = 0;
  virtual std::vector<ion::Revision> ion_history(const std::string& name) = 0;
  virtual ion::ApplyResult rollback_ion(const std::string& name, int64_t to_revision) = 0;
  virtual void delete_ion(const std::string& name) = 0;

  // Pipelines: a directory validated and stored, versions listed, resolved, unpacked, deleted.
  virtual pipeline::UploadResult upload_pipeline(const std::string& dir) = 0;
  virtual std::vector<pipeline::PipelineVersion> list_pipelines(const std::string& name) = 0;
  virtual pipeline::PipelineVersion show_pipeline(const std::string& ref) = 0;
  virtual pipeline::PipelineVersion download_pipeline(const std::string& ref, const std::string& dest) = 0;
  virtual std::vector<pipeline::PipelineVersion> delete_pipeline(const std::string& ref) = 0;

  // Models held by approval policies, and people's decisions on them.
  virtual std::vector<runtime::Pending> pending_approvals(int64_t now_ms) = 0;
  virtual std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) = 0;
  // A pipeline node run now, waited for, and what its model then set moving along the edges: on
  // this machine for a local store; through a server, on every agent the node is placed on.
  struct NodeRuns {
    std::vector<runtime::RunRecord> runs;
    std::vector<runtime::FlowEvent> flows;
  };
  virtual NodeRuns run_node(const std::string& ion, const std::string& node) = 0;
  // What a run's log holds from `offset` on (through a server: what its agent has sent so far).
  virtual std::string read_log(const std::string& id, uint64_t offset) = 0;
  // Asks a running run to stop (through a server: the agent it runs on); the run as it stands.
  virtual runtime::RunRecord cancel_run(const std::string& id) = 0;
  // One run as it stands (what status polls ask: no stats summed).
  virtual runtime::RunRecord get_run(const std::string& id) = 0;
  // Runs, newest last, and one run with a summary of its stats.
  virtual std::vector<runtime::RunRecord> list_runs(const std::string& ion, const std::string& node) = 0;
  virtual std::pair<runtime::RunRecord, std::vector<runtime::StatSummary>> show_run(const std::string& id) = 0;
  // What happened, oldest first (every ION's, or one's), and what happened to one model in an ION.
  virtual std::vector<runtime::Event> list_events(const std::string& ion) = 0;
  virtual std::vector<runtime::FlowEvent> model_flows(const std::string& ion, const std::string& model) = 0;
  // Agents that joined (AgentList items), and revoking one.
  virtual nlohmann::json list_agents() = 0;
  virtual void revoke_agent(const std::string& name, int64_t now_ms) = 0;
  // Stats (stats::points, buckets and summaries' shapes) and the ML health of nodes
  // (runtime::node_health's).
  virtual nlohmann::json stat_points(const stats::Filter& f) = 0;
  virtual nlohmann::json stat_buckets(const stats::Filter& f, int64_t every_ms, const std::string& agg) = 0;
  virtual nlohmann::json stat_summaries(const stats::Filter& f) = 0;
  virtual nlohmann::json node_health(const std::string& ion, const std::string& node) = 0;
  // Alerts raised so far (acknowledged ones too with `acked`), and acknowledging one.
  virtual std::vector<runtime::Alert> list_alerts(const std::string& ion, bool acked) = 0;
  virtual runtime::Alert ack_alert(int64_t id, const std::string& comment) = 0;
};

// A request to `path` on the context's server, with its CA and credentials.
net::HttpRequest server_request(const Context& context, const std::string& path);

// Local changes are made as `actor`, at the clock's time; a server's, as its caller.
std::unique_ptr<Client> local_client(store::Store& store, const std::string& actor, const util::Clock& clock);
std::unique_ptr<Client> server_client(const Context& context);

}  // namespace mlops::cli
