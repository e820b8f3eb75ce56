#include "cli/client.hpp"

#include <cctype>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <cstdio>

#include "agent/link.hpp"
#include "api/documents.hpp"
#include "api/flows.hpp"
#include "api/resources.hpp"
#include "api/spool.hpp"
#include "api/stats.hpp"
#include "pipeline/archive.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

std::string escape(const std::string& s) { return api::url_escape(s); }

class ServerClient : public Client {
 public:
  explicit ServerClient(Context context) : c_(std::move(context)) {}

  std::vector<store::ModelVersion> list_models(const store::ListFilter& filter) override {
    std::vector<std::string> query;
    if (!filter.name.empty()) query.push_back("name=" + escape(filter.name));
    for (const auto& [k, v] : filter.labels) {
      std::string label = k;
      label += '=';
      label += v;
      query.push_back("label=" + escape(label));
    }
    std::string path = "/api/v1/models";
    for (size_t i = 0; i < query.size(); ++i) {
      path += i ? '&' : '?';
      path += query[i];
    }
    auto doc = call(path);
    std::vector<store::ModelVersion> out;
    for (const auto& item : doc.at("items")) out.push_back(api::model_version_from(item));
    return out;
  }

  std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) override {
    auto doc = call("/api/v1/models/" + escape(ref));
    return {api::model_version_from(doc), api::model_tree_from(doc.value("tree", nlohmann::json::array()))};
  }

  // Both ways go through a cache store of this context's: a push stages its blobs there (hashing
  // once) and uploads what the server lacks, resuming an interrupted upload; a pull fetches what
  // the cache lacks (resuming from a partial file), then writes from the cache, verified, as a
  // local pull does.
  store::ModelVersion push_model(const store::PushRequest& request) override {
    auto& cache = cache_store();
    auto v = cache.stage(request);
    auto link = this->link();
    link.upload_blob(cache, v.digest);
    if (v.type == "directory")
      for (const auto& e : cache.read_tree(v.digest).entries)
        if (!e.is_dir) link.upload_blob(cache, e.digest);
    auto body = api::model_version(v);
    for (const char* k : {"name", "version", "aliases", "createdAt", "createdBy"}) body.erase(k);
    return api::model_version_from(call("/api/v1/models/" + escape(v.name) + "/versions", "POST", body.dump()));
  }

  store::PullResult pull_model(const std::string& ref, const std::string& dest_dir, bool force) override {
    auto doc = call("/api/v1/models/" + escape(ref));
    auto v = api::model_version_from(doc);
    auto& cache = cache_store();
    auto link = this->link();
    link.download_blob(cache, v.digest);
    if (v.type == "directory")
      for (const auto& e : cache.read_tree(v.digest).entries)
        if (!e.is_dir) link.download_blob(cache, e.digest);
    return cache.write_version(v, dest_dir, force);
  }

  std::vector<store::ModelVersion> delete_models(const std::string& ref) override {
    std::vector<store::ModelVersion> out;
    auto doc = call("/api/v1/models/" + escape(ref), "DELETE");
    for (const auto& item : doc.at("items")) out.push_back(api::model_version_from(item));
    return out;
  }
  store::AliasMove set_alias(const std::string& ref, const std::string& alias) override {
    auto parsed = store::parse_model_ref(ref);
    store::validate_alias(alias);
    store::require_named(parsed, "set an alias on");
    auto doc = call("/api/v1/models/" + escape(parsed.name) + "/aliases/" + escape(alias), "PUT",
                   nlohmann::json{{"ref", ref}}.dump());
    store::AliasMove move;
    move.to_version = doc.at("version").get<int64_t>();
    if (!doc.at("previousVersion").is_null()) move.from_version = doc.at("previousVersion").get<int64_t>();
    return move;
  }
  std::vector<store::ModelEvent> model_history(const std::string& name) override {
    std::vector<store::ModelEvent> out;
    auto doc = call("/api/v1/models/" + escape(name) + "/history");
    for (const auto& item : doc.at("items")) out.push_back(api::model_event_from(item, name));
    return out;
  }
  runtime::FlowEvent rollback_model(const std::string& ion, const std::string& node, const std::string& to) override {
    auto doc = call("/api/v1/ions/" + escape(ion) + "/nodes/" + escape(node) + "/rollback", "POST",
                   nlohmann::json{{"to", to}}.dump());
    return {doc.at("ion"), doc.at("node"), doc.at("model"), "delivered", doc.at("reason"), 0};
  }

  // Checked first with the pipelines' manifests alone, so a bad apply uploads nothing; then the
  // pipelines go up as bundles (which the server unpacks and checks itself) and the apply is made.
  // The files go as written, so errors point into them as a local apply's do.
  std::vector<ion::Applied> apply_ions(const ion::ApplyInputs& inputs, const std::string& cause, bool dry_run) override {
    nlohmann::json files = nlohmann::json::array(), manifests = nlohmann::json::array();
    std::string last;
    for (const auto& item : inputs.items) {
      if (item.source_name == last && !files.empty()) continue;
      files.push_back({{"name", item.source_name}, {"text", item.source}});
      last = item.source_name;
    }
    for (const auto& [name, dir] : inputs.pending_dirs) {
      std::string path = dir + "/pipeline.yaml";
      manifests.push_back({{"name", path}, {"manifest", util::read_file(path)}});
    }
    nlohmann::json body = {{"files", files}, {"pipelines", manifests}, {"cause", cause}, {"dryRun", true}};
    auto doc = call("/api/v1/ions", "POST", body.dump());
    if (!dry_run) {
      body["pipelines"] = nlohmann::json::array();
      for (const auto& [name, dir] : inputs.pending_dirs) body["pipelines"].push_back({{"bundle", "sha256:" + upload_bundle(dir)}});
      body["dryRun"] = false;
      doc = call("/api/v1/ions", "POST", body.dump());
    }
    std::vector<ion::Applied> out;
    for (const auto& item : doc.at("items")) out.push_back(api::applied_from(item));
    return out;
  }
  std::vector<ion::Revision> list_ions() override {
    std::vector<ion::Revision> out;
    auto doc = call("/api/v1/ions");
    for (const auto& item : doc.at("items")) out.push_back(api::ion_revision_from(item));
    return out;
  }
  ion::Revision current_ion(const std::string& name) override {
    return api::ion_revision_from(call("/api/v1/ions/" + escape(name)));
  }
  std::vector<ion::Revision> ion_history(const std::string& name) override {
    std::vector<ion::Revision> out;
    auto doc = call("/api/v1/ions/" + escape(name) + "/revisions");
    for (const auto& item : doc.at("items")) out.push_back(api::ion_history_entry_from(item, name));
    return out;
  }
  ion::ApplyResult rollback_ion(const std::string& name, int64_t to) override {
    auto doc = call("/api/v1/ions/" + escape(name) + "/rollback", "POST", nlohmann::json{{"toRevision", to}}.dump());
    auto a = api::applied_from(doc.at("items").at(0));
    return {a.name, a.outcome, a.number};
  }
  void delete_ion(const std::string& name) override { call("/api/v1/ions/" + escape(name), "DELETE"); }

  // Validated here first, so a bad manifest reads as it would locally, then sent as its bundle.
  pipeline::UploadResult upload_pipeline(const std::string& dir) override {
    std::string manifest_path = dir + "/pipeline.yaml";
    pipeline::parse_pipeline({manifest_path, util::read_file(manifest_path)});
    auto doc = call("/api/v1/pipelines", "POST", nlohmann::json{{"bundle", "sha256:" + upload_bundle(dir)}}.dump());
    return {api::pipeline_version_from(doc), doc.at("unchanged").get<bool>()};
  }
  std::vector<pipeline::PipelineVersion> list_pipelines(const std::string& name) override {
    auto doc = call("/api/v1/pipelines" + (name.empty() ? "" : "?name=" + escape(name)));
    std::vector<pipeline::PipelineVersion> out;
    for (const auto& item : doc.at("items")) out.push_back(api::pipeline_version_from(item));
    return out;
  }
  pipeline::PipelineVersion show_pipeline(const std::string& ref) override {
    return api::pipeline_version_from(call("/api/v1/pipelines/" + escape(ref)));
  }
  pipeline::PipelineVersion download_pipeline(const std::string& ref, const std::string& dest) override {
    auto v = show_pipeline(ref);
    auto& cache = cache_store();
    link().download_blob(cache, v.digest);
    pipeline::download_pipeline(cache, v, dest);
    return v;
  }
  std::vector<pipeline::PipelineVersion> delete_pipeline(const std::string& ref) override {
    auto doc = call("/api/v1/pipelines/" + escape(ref), "DELETE");
    std::vector<pipeline::PipelineVersion> out;
    for (const auto& item : doc.at("items")) out.push_back(api::pipeline_version_from(item));
    return out;
  }

  std::vector<runtime::Pending> pending_approvals(int64_t) override {
    std::vector<runtime::Pending> out;
    auto doc = call("/api/v1/approvals");  // kept: a range-for over a temporary's member would dangle
    for (const auto& item : doc.at("items")) out.push_back(api::pending_from(item));
    return out;
  }

  // The server decides as the token's holder: the decision's actor is who the server says it is.
  std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) override {
    nlohmann::json body = {{"ion", d.ion}, {"node", d.node}, {"model", d.model_ref}, {"approve", d.approve},
                           {"comment", d.comment}};
    std::vector<runtime::FlowEvent> out;
    auto doc = call("/api/v1/approvals", "POST", body.dump());
    for (const auto& f : doc.at("flows")) out.push_back(api::flow_event_from(f, d.ion));
    return out;
  }

  // The server asks the agents the node is placed on; each reports its run through its spool.
  NodeRuns run_node(const std::string& ion, const std::string& node) override {
    auto doc = call("/api/v1/ions/" + escape(ion) + "/runs", "POST", nlohmann::json{{"node", node}}.dump());
    NodeRuns out;
    for (const auto& item : doc.at("items")) {
      std::string id = std::to_string(item.at("id").get<int64_t>()), agent = item.at("agent");
      nlohmann::json request = item;
      while (!request.at("done").get<bool>()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        request = call("/api/v1/run-requests/" + id);
      }
      std::string run = request.at("run");
      if (run.empty())
        throw util::Error(util::Exit::error, "agent '" + agent + "' lost its run of " + ion + "/" + node +
                                                 " (it restarted while the run went on)",
                          "run it again: 'mlops ion run " + ion + " --node " + node + "'");
      out.runs.push_back(get_run(run));
      const auto& r = out.runs.back();
      if (r.model.empty()) continue;
      for (const auto& f : model_flows(ion, r.model)) out.flows.push_back(f);
    }
    return out;
  }

  std::string read_log(const std::string& id, uint64_t offset) override {
    auto request = server_request(c_, "/api/v1/runs/" + escape(id) + "/log?offset=" + std::to_string(offset));
    auto answer = net::http_request(request);
    if (answer.status == 200) return answer.body;  // the log itself, not a JSON document
    throw_answer(answer);
  }
  runtime::RunRecord cancel_run(const std::string& id) override {
    return api::run_record_from(call("/api/v1/runs/" + escape(id) + "/cancel", "POST", "{}"));
  }

  std::vector<runtime::RunRecord> list_runs(const std::string& ion, const std::string& node) override {
    std::string path = "/api/v1/runs";
    if (!ion.empty()) path += "?ion=" + escape(ion);
    if (!node.empty()) path += std::string(ion.empty() ? "?" : "&") + "node=" + escape(node);
    auto doc = call(path);
    std::vector<runtime::RunRecord> out;
    for (const auto& item : doc.at("items")) out.push_back(api::run_record_from(item));
    return out;
  }
  runtime::RunRecord get_run(const std::string& id) override {
    return api::run_record_from(call("/api/v1/runs/" + escape(id) + "?stats=false"));
  }
  std::pair<runtime::RunRecord, std::vector<runtime::StatSummary>> show_run(const std::string& id) override {
    auto doc = call("/api/v1/runs/" + escape(id));
    std::vector<runtime::StatSummary> stats;
    for (const auto& s : doc.at("stats"))
      stats.push_back({s.at("name"), s.at("source"), s.at("points"), s.at("last")});
    return {api::run_record_from(doc), stats};
  }
  std::vector<runtime::Event> list_events(const std::string& ion) override {
    auto doc = call("/api/v1/events" + (ion.empty() ? "" : "?ion=" + escape(ion)));
    std::vector<runtime::Event> out;
    for (const auto& item : doc.at("items")) out.push_back(api::event_from(item));
    return out;
  }
  std::vector<runtime::FlowEvent> model_flows(const std::string& ion, const std::string& model) override {
    auto doc = call("/api/v1/ions/" + escape(ion) + "/flows?model=" + escape(model));
    std::vector<runtime::FlowEvent> out;
    for (const auto& item : doc.at("items")) {
      auto e = api::flow_event_from(item, ion);
      e.at_ms = util::parse_rfc3339(item.value("time", "")).value_or(0);
      out.push_back(e);
    }
    return out;
  }
  nlohmann::json list_agents() override { return call("/api/v1/agents").at("items"); }
  nlohmann::json stat_points(const stats::Filter& f) override { return call("/api/v1/stats?" + api::stats_query(f)).at("items"); }
  nlohmann::json stat_buckets(const stats::Filter& f, int64_t every_ms, const std::string& agg) override {
    return call("/api/v1/stats/buckets?" + api::stats_query(f) + "&every=" + std::to_string(every_ms) + "&agg=" + escape(agg))
        .at("items");
  }
  nlohmann::json stat_summaries(const stats::Filter& f) override {
    return call("/api/v1/stats/summary?" + api::stats_query(f)).at("items");
  }
  nlohmann::json node_health(const std::string& ion, const std::string& node) override {
    return call("/api/v1/health?ion=" + escape(ion) + "&node=" + escape(node)).at("items");
  }
  std::vector<runtime::Alert> list_alerts(const std::string& ion, bool acked) override {
    auto doc = call("/api/v1/alerts?ion=" + escape(ion) + (acked ? "&all=true" : ""));  // kept: items point into it
    std::vector<runtime::Alert> out;
    for (const auto& item : doc.at("items")) out.push_back(runtime::alert_from(item));
    return out;
  }
  runtime::Alert ack_alert(int64_t id, const std::string& comment) override {
    return runtime::alert_from(call("/api/v1/alerts/" + std::to_string(id) + "/ack", "POST", nlohmann::json{{"comment", comment}}.dump()));
  }
  void revoke_agent(const std::string& name, int64_t) override { call("/api/v1/agents/" + escape(name), "DELETE"); }

 private:
  // The directory packed as a pipeline bundle, uploaded unless the server has it; its digest.
  std::string upload_bundle(const std::string& dir) {
    auto& cache = cache_store();
    auto blob = cache.blobs().put_bytes(pipeline::pack_directory(dir).archive);
    link().upload_blob(cache, blob.hex);
    return blob.hex;
  }

  // A 2xx body as JSON; a Status document becomes the error it describes, with the exit code a
  // local command would have given.
  nlohmann::json call(const std::string& path, const std::string& method = "GET", const std::string& payload = "") {
    auto request = server_request(c_, path);
    request.method = method;
    request.body = payload;
    if (!payload.empty()) request.headers.push_back("Content-Type: application/json");
    auto answer = net::http_request(request);
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status >= 200 && answer.status < 300 && body.is_object()) return body;
    throw_answer(answer);
  }

  // The error a server's answer other than success stands for, with its Status document's message,
  // hint, detail and exit code.
  [[noreturn]] void throw_answer(const net::HttpResponse& answer) {
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    util::Exit code = util::Exit::error;
    if (answer.status == 400) code = util::Exit::usage;
    if (answer.status == 404) code = util::Exit::not_found;
    if (answer.status == 401 || answer.status == 403) code = util::Exit::permission;
    if (body.is_object() && body.contains("exitCode") && body["exitCode"].is_number_integer()) {
      int exit = body["exitCode"].get<int>();
      if (exit > 0 && exit <= static_cast<int>(util::Exit::incompatible)) code = static_cast<util::Exit>(exit);
    }
    std::string message = body.is_object() && body.contains("message") ? body["message"].get<std::string>()
                                                                       : "HTTP " + std::to_string(answer.status);
    throw util::Error(code, message + " (server " + c_.server + ", context " + c_.name + ")",
                      body.is_object() ? body.value("hint", "") : "", body.is_object() ? body.value("detail", "") : "");
  }

  // $XDG_CACHE_HOME/mlops/contexts/NAME (else ~/.cache/...): blobs fetched and sent, partial downloads.
  store::Store& cache_store() {
    if (!cache_) {
      const char* xdg = std::getenv("XDG_CACHE_HOME");
      const char* home = std::getenv("HOME");
      std::string base = xdg && *xdg ? xdg : std::string(home ? home : ".") + "/.cache";
      std::string root = base + "/mlops/contexts/" + c_.name;
      cache_ = std::make_unique<store::Store>(root, store::Store::Open::create);
    }
    return *cache_;
  }

  agent::Link link() {
    return agent::Link(agent::Endpoint{c_.server, c_.ca, c_.cert, c_.key, c_.token, cache_store().root() + "/partial", 0});
  }

  Context c_;
  std::unique_ptr<store::Store> cache_;
};

}  // namespace

net::HttpRequest server_request(const Context& c, const std::string& path) {
  net::HttpRequest r;
  std::string base = c.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  r.url = base + path;
  r.ca_file = c.ca;
  r.cert_file = c.cert;
  r.key_file = c.key;
  if (!c.token.empty()) r.headers.push_back("Authorization: Bearer " + c.token);
  return r;
}

std::unique_ptr<Client> server_client(const Context& context) { return std::make_unique<ServerClient>(context); }

}  // namespace mlops::cli
