#include "cli/client.hpp"

#include "pipeline/registry.hpp"
#include "runtime/approval.hpp"
#include "runtime/flow.hpp"
#include "server/server.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace {

class LocalClient : public Client {
 public:
  LocalClient(store::Store& store, std::string actor, const util::Clock& clock)
      : store_(store), actor_(std::move(actor)), clock_(clock) {}
  std::vector<store::ModelVersion> list_models(const store::ListFilter& filter) override {
    return store_.registry().list(filter);
  }
  std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) override {
    auto v = store_.registry().resolve(store::parse_model_ref(ref));
    store::Tree tree;
    if (v.type == "directory") tree = store_.read_tree(v.digest);
    return {v, tree};
  }
  store::ModelVersion push_model(const store::PushRequest& request) override { return store_.push(request); }
  store::PullResult pull_model(const std::string& ref, const std::string& dest_dir, bool force) override {
    return store_.pull(store::parse_model_ref(ref), dest_dir, force);
  }
  std::vector<store::ModelVersion> delete_models(const std::string& ref) override {
    return store_.registry().remove(store::parse_model_ref(ref), actor_, clock_.now_ms());
  }
  store::AliasMove set_alias(const std::string& ref, const std::string& alias) override {
    return store_.registry().set_alias(store::parse_model_ref(ref), alias, actor_, clock_.now_ms());
  }
  std::vector<store::ModelEvent> model_history(const std::string& name) override {
    return store_.registry().history(name);
  }
  runtime::FlowEvent rollback_model(const std::string& ion, const std::string& node, const std::string& to) override {
    auto manifest = ion::load_revision(ion::current_revision(store_, ion));
    return runtime::rollback(store_, manifest, node, to, actor_, clock_.now_ms());
  }

  std::vector<ion::Applied> apply_ions(const ion::ApplyInputs& inputs, const std::string& cause, bool dry_run) override {
    return ion::apply_inputs(store_, inputs, actor_, clock_.now_ms(), cause, dry_run);
  }
  std::vector<ion::Revision> list_ions() override { return ion::list_ions(store_); }
  ion::Revision current_ion(const std::string& name) override { return ion::current_revision(store_, name); }
  std::vector<ion::Revision> ion_history(const std::string& name) override { return ion::ion_history(store_, name); }
  ion::ApplyResult rollback_ion(const std::string& name, int64_t to) override {
    return ion::rollback_ion(store_, name, to, actor_, clock_.now_ms());
  }
  void delete_ion(const std::string& name) override { ion::delete_ion(store_, name); }

  pipeline::UploadResult upload_pipeline(const std::string& dir) override {
    return pipeline::upload_pipeline(store_, dir, actor_, clock_.now_ms());
  }
  std::vector<pipeline::PipelineVersion> list_pipelines(const std::string& name) override {
    return pipeline::list_pipelines(store_, name);
  }
  pipeline::PipelineVersion show_pipeline(const std::string& ref) override {
    return pipeline::resolve_pipeline(store_, store::parse_model_ref(ref));
  }
  pipeline::PipelineVersion download_pipeline(const std::string& ref, const std::string& dest) override {
    auto v = show_pipeline(ref);
    pipeline::download_pipeline(store_, v, dest);
    return v;
  }
  std::vector<pipeline::PipelineVersion> delete_pipeline(const std::string& ref) override {
    return pipeline::delete_pipeline(store_, store::parse_model_ref(ref));
  }

  std::vector<runtime::Pending> pending_approvals(int64_t now_ms) override {
    return runtime::pending_approvals(store_, now_ms);
  }
  std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) override { return runtime::decide(store_, d); }
  NodeRuns run_node(const std::string& ion, const std::string& node) override {
    runtime::RunRequest req{ion, node, actor_, &clock_, runtime::caller_environment()};
    NodeRuns out;
    out.runs.push_back(runtime::run_node(store_, req));
    const auto& r = out.runs.back();
    if (!r.model.empty())
      out.flows = runtime::propagate(store_, ion::load_revision(ion::current_revision(store_, ion)), r.node, r.model,
                                     clock_.now_ms());
    return out;
  }
  std::string read_log(const std::string& id, uint64_t offset) override {
    return util::read_from(runtime::run_dir(store_, runtime::get_run(store_, id).id) + "/run.log", offset);
  }
  runtime::RunRecord cancel_run(const std::string& id) override {
    return runtime::request_cancel(store_, id, actor_, clock_.now_ms());
  }
  runtime::RunRecord get_run(const std::string& id) override { return runtime::get_run(store_, id); }
  std::vector<runtime::RunRecord> list_runs(const std::string& ion, const std::string& node) override {
    return runtime::list_runs(store_, ion, node);
  }
  std::pair<runtime::RunRecord, std::vector<runtime::StatSummary>> show_run(const std::string& id) override {
    auto r = runtime::get_run(store_, id);
    return {r, runtime::run_stats(store_, r.id)};
  }
  std::vector<runtime::Event> list_events(const std::string& ion) override { return runtime::list_events(store_, ion); }
  std::vector<runtime::FlowEvent> model_flows(const std::string& ion, const std::string& model) override {
    return runtime::model_flows(store_, ion, model);
  }
  nlohmann::json list_agents() override { return server::list_agents(store_); }
  nlohmann::json stat_points(const stats::Filter& f) override { return stats::points(store_, f); }
  nlohmann::json stat_buckets(const stats::Filter& f, int64_t every_ms, const std::string& agg) override {
    return stats::buckets(store_, f, every_ms, agg);
  }
  nlohmann::json stat_summaries(const stats::Filter& f) override { return stats::summaries(store_, f); }
  nlohmann::json node_health(const std::string& ion, const std::string& node) override {
    return runtime::node_health(store_, ion, node);
  }
  std::vector<runtime::Alert> list_alerts(const std::string& ion, bool acked) override {
    runtime::sync_alerts(store_, clock_.now_ms());
    return runtime::list_alerts(store_, ion, acked);
  }
  runtime::Alert ack_alert(int64_t id, const std::string& comment) override {
    runtime::sync_alerts(store_, clock_.now_ms());
    return runtime::ack_alert(store_, id, actor_, comment, clock_.now_ms());
  }
  void revoke_agent(const std::string& name, int64_t now_ms) override {
    if (!server::revoke_agent(store_, name, now_ms))
      throw util::Error(util::Exit::not_found, "no agent '" + name + "' (or it is revoked already)");
  }

 private:
  store::Store& store_;
  std::string actor_;
  const util::Clock& clock_;
};

}  // namespace

std::unique_ptr<Client> local_client(store::Store& store, const std::string& actor, const util::Clock& clock) {
  return std::make_unique<LocalClient>(store, actor, clock);
}

}  // namespace mlops::cli
