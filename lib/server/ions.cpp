// IONs and pipelines through the server, as 'ion' and 'pipeline' commands do on a store. A
// pipeline arrives as the bundle a client packed and uploaded (a blob, like a model's); the server
// unpacks it as hostile input, validates it and records it as an upload of that directory would be.
#include "api/documents.hpp"
#include "api/flows.hpp"
#include "api/resources.hpp"
#include "ion/apply.hpp"
#include "pipeline/archive.hpp"
#include "pipeline/registry.hpp"
#include "runtime/flow.hpp"
#include "server/internal.hpp"
#include "store/model_ref.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/time.hpp"

namespace mlops::server {

using nlohmann::json;

namespace {

// Bundles unpacked into a temporary directory of the store's, gone with this.
class Unpacked {
 public:
  explicit Unpacked(store::Store& st) : root_(util::make_temp_dir(st.root() + "/tmp")) {}
  ~Unpacked() {
    try {
      util::remove_all(root_);
    } catch (...) {
    }
  }
  Unpacked(const Unpacked&) = delete;
  Unpacked& operator=(const Unpacked&) = delete;
  std::string add(store::Store& st, const std::string& hex) {
    std::string dest = root_ + "/" + std::to_string(count_++);
    pipeline::extract_archive(st.blobs().read_verified(hex), dest, "bundle sha256:" + hex);
    return dest;
  }

 private:
  std::string root_;
  int count_ = 0;
};

// A digest "sha256:HEX" of a bundle that must be here; nullopt after answering 400 or 409.
std::optional<std::string> bundle(const json& value, httplib::Response& res, store::Store& st) {
  std::string text = value.is_string() ? value.get<std::string>() : "";
  std::string hex = text.rfind("sha256:", 0) == 0 ? text.substr(7) : "";
  if (!util::is_sha256_hex(hex)) return reply_error(res, 400, "invalid bundle digest '" + text + "'"), std::nullopt;
  if (!st.blobs().has(hex)) return reply_missing(res, "upload the pipeline bundle first", {hex}), std::nullopt;
  return hex;
}

std::string text_field(const json& body, const char* key) {
  return body.contains(key) && body.at(key).is_string() ? body.at(key).get<std::string>() : "";
}

}  // namespace

void Server::Impl::ion_routes() {
  using auth::Role;
  // Applying, or with dryRun only checking (which a viewer may: nothing is written).
  http->Post("/api/v1/ions", guarded(Role::viewer, [this](const httplib::Request& req, httplib::Response& res,
                                                         const Caller& c, store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    if (body->contains("dryRun") && !body->at("dryRun").is_boolean())
      return reply_error(res, 400, "dryRun must be true or false");
    bool dry_run = body->value("dryRun", false);
    if (!dry_run && !auth::allows(c.role, Role::operator_))
      return reply_error(res, 403, c.via + " '" + c.name + "' has role " + auth::role_name(c.role) +
                                       "; applying needs operator (a dry run does not)");
    if (!body->contains("files") || !body->at("files").is_array() || body->at("files").empty())
      return reply_error(res, 400, "expected files: a list of {name, text}, at least one");
    ion::ApplyInputs inputs;
    for (const auto& f : body->at("files")) {
      if (!f.is_object() || text_field(f, "name").empty() || !f.contains("text") || !f.at("text").is_string())
        return reply_error(res, 400, "each file needs a name and a text");
      ion::add_ion_file(inputs, text_field(f, "name"), f.at("text").get<std::string>());
    }
    if (inputs.items.empty()) return reply_error(res, 400, "no ION manifests in the files sent");
    // The pipelines that come along: bundles to upload, or for a dry run their manifests alone.
    Unpacked unpacked(st);
    const json& pipelines = body->contains("pipelines") ? body->at("pipelines") : json::array();
    if (!pipelines.is_array()) return reply_error(res, 400, "pipelines must be a list");
    for (const auto& p : pipelines) {
      if (p.is_object() && p.contains("bundle")) {
        auto hex = bundle(p.at("bundle"), res, st);
        if (!hex) return;
        ion::add_pipeline_dir(inputs, unpacked.add(st, *hex));
      } else if (dry_run && p.is_object() && p.contains("manifest") && p.at("manifest").is_string()) {
        ion::add_pipeline(inputs, pipeline::parse_pipeline({text_field(p, "name"), p.at("manifest").get<std::string>()}), "");
      } else {
        return reply_error(res, 400, std::string("each pipeline needs a bundle") + (dry_run ? " or a manifest" : ""));
      }
    }
    json items = json::array();
    for (const auto& a : ion::apply_inputs(st, inputs, c.name, clock.now_ms(), text_field(*body, "cause"), dry_run))
      items.push_back(api::applied(a));
    reply(res, api::document("ApplyResult", {{"dryRun", dry_run}, {"items", items}}));
  }));
  http->Get("/api/v1/ions", guarded(Role::viewer, [](auto&, httplib::Response& res, const Caller&, store::Store& st) {
    json items = json::array();
    for (const auto& r : ion::list_ions(st)) items.push_back(api::ion_revision(r));
    reply(res, api::document("IONList", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/ions/([^/]+))", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                               const Caller&, store::Store& st) {
    reply(res, api::document("ION", api::ion_revision(ion::current_revision(st, req.matches[1]))));
  }));
  http->Delete(R"(/api/v1/ions/([^/]+))", guarded(Role::operator_, [](const httplib::Request& req, httplib::Response& res,
                                                                     const Caller&, store::Store& st) {
    ion::delete_ion(st, req.matches[1]);
    reply(res, api::document("IONDeletion", {{"name", req.matches[1].str()}}));
  }));
  // What happened to one model at the ION's nodes, for 'mlops wait'.
  http->Get(R"(/api/v1/ions/([^/]+)/flows)", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                                      const Caller&, store::Store& st) {
    std::string ion = req.matches[1], model = req.get_param_value("model");
    ion::current_revision(st, ion);  // an unknown ION: 404
    if (model.empty()) return reply_error(res, 400, "expected ?model=NAME:VERSION");
    json items = json::array();
    for (const auto& e : runtime::model_flows(st, ion, model)) {
      json item = api::flow_event(e);
      item["time"] = util::format_rfc3339(e.at_ms);
      items.push_back(item);
    }
    reply(res, api::document("FlowEventList", {{"ion", ion}, {"model", model}, {"items", items}}));
  }));
  http->Get("/api/v1/events", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res, const Caller&,
                                                       store::Store& st) {
    json items = json::array();
    for (const auto& e : runtime::list_events(st, req.get_param_value("ion"))) items.push_back(api::event(e));
    reply(res, api::document("EventList", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/ions/([^/]+)/revisions)", guarded(Role::viewer, [](const httplib::Request& req,
                                                                          httplib::Response& res, const Caller&,
                                                                          store::Store& st) {
    json items = json::array();
    for (const auto& r : ion::ion_history(st, req.matches[1])) items.push_back(api::ion_history_entry(r));
    reply(res, api::document("IONRevisionList", {{"items", items}}));
  }));
  http->Post(R"(/api/v1/ions/([^/]+)/rollback)", guarded(Role::operator_, [this](const httplib::Request& req,
                                                                                httplib::Response& res, const Caller& c,
                                                                                store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    if (!body->contains("toRevision") || !body->at("toRevision").is_number_integer() || body->at("toRevision").get<int64_t>() < 1)
      return reply_error(res, 400, "expected toRevision: a revision number from the ION's history");
    auto r = ion::rollback_ion(st, req.matches[1], body->at("toRevision").get<int64_t>(), c.name, clock.now_ms());
    json items = json::array({api::applied({"ION", r.name, r.outcome, r.revision})});
    reply(res, api::document("ApplyResult", {{"dryRun", false}, {"items", items}}));
  }));
  // An earlier model to a pipeline node: delivering is deploying, so it takes an approver.
  http->Post(R"(/api/v1/ions/([^/]+)/nodes/([^/]+)/rollback)", guarded(Role::approver, [this](const httplib::Request& req,
                                                                                           httplib::Response& res,
                                                                                           const Caller& c,
                                                                                           store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    auto manifest = ion::load_revision(ion::current_revision(st, req.matches[1]));
    runtime::FlowEvent ev;
    try {
      ev = runtime::rollback(st, manifest, req.matches[2], text_field(*body, "to"), c.name, clock.now_ms());
    } catch (const util::Error& e) {
      if (e.code() != util::Exit::error) throw;
      return reply_error(res, 409, e);  // the node's state forbids it: already deployed, nothing earlier
    }
    reply(res, api::document("Rollback", {{"ion", ev.ion}, {"node", ev.node}, {"model", ev.model}, {"reason", ev.reason}}));
  }));
}

void Server::Impl::pipeline_routes() {
  using auth::Role;
  http->Post("/api/v1/pipelines", guarded(Role::operator_, [this](const httplib::Request& req, httplib::Response& res,
                                                                 const Caller& c, store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    auto hex = bundle(body->contains("bundle") ? body->at("bundle") : json(), res, st);
    if (!hex) return;
    Unpacked unpacked(st);
    auto r = pipeline::upload_pipeline(st, unpacked.add(st, *hex), c.name, clock.now_ms());
    json doc = api::pipeline_version(r.version);
    doc["unchanged"] = r.unchanged;
    reply(res, api::document("PipelineVersion", doc), r.unchanged ? 200 : 201);
  }));
  http->Get("/api/v1/pipelines", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                         const Caller&, store::Store& st) {
    json items = json::array();
    for (const auto& v : pipeline::list_pipelines(st, req.get_param_value("name"))) items.push_back(api::pipeline_version(v));
    reply(res, api::document("PipelineVersionList", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/pipelines/([^/]+))", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                                     const Caller&, store::Store& st) {
    auto v = pipeline::resolve_pipeline(st, store::parse_model_ref(req.matches[1]));
    reply(res, api::document("PipelineVersion", api::pipeline_version(v)));
  }));
  http->Delete(R"(/api/v1/pipelines/([^/]+))", guarded(Role::operator_, [](const httplib::Request& req,
                                                                          httplib::Response& res, const Caller&,
                                                                          store::Store& st) {
    json items = json::array();
    for (const auto& v : pipeline::delete_pipeline(st, store::parse_model_ref(req.matches[1])))
      items.push_back(api::pipeline_version(v));
    reply(res, api::document("PipelineDeletion", {{"items", items}}));
  }));
}

}  // namespace mlops::server
