#include "cli/client.hpp"

#include <cctype>
#include <cstdio>

#include "api/documents.hpp"
#include "api/flows.hpp"
#include "runtime/approval.hpp"
#include "server/server.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

class LocalClient : public Client {
 public:
  explicit LocalClient(store::Store& store) : store_(store) {}
  std::vector<store::ModelVersion> list_models(const store::ListFilter& filter) override {
    return store_.registry().list(filter);
  }
  std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) override {
    auto v = store_.registry().resolve(store::parse_model_ref(ref));
    store::Tree tree;
    if (v.type == "directory") tree = store_.read_tree(v.digest);
    return {v, tree};
  }
  std::vector<runtime::Pending> pending_approvals(int64_t now_ms) override {
    return runtime::pending_approvals(store_, now_ms);
  }
  std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) override { return runtime::decide(store_, d); }
  nlohmann::json list_agents() override { return server::list_agents(store_); }
  void revoke_agent(const std::string& name, int64_t now_ms) override {
    if (!server::revoke_agent(store_, name, now_ms))
      throw util::Error(util::Exit::not_found, "no agent '" + name + "' (or it is revoked already)");
  }

 private:
  store::Store& store_;
};

std::string escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

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
    auto doc = get(path);
    std::vector<store::ModelVersion> out;
    for (const auto& item : doc.at("items")) out.push_back(api::model_version_from(item));
    return out;
  }

  std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) override {
    auto doc = get("/api/v1/models/" + escape(ref));
    return {api::model_version_from(doc), api::model_tree_from(doc.value("tree", nlohmann::json::array()))};
  }

  std::vector<runtime::Pending> pending_approvals(int64_t) override {
    std::vector<runtime::Pending> out;
    auto doc = get("/api/v1/approvals");  // kept: a range-for over a temporary's member would dangle
    for (const auto& item : doc.at("items")) out.push_back(api::pending_from(item));
    return out;
  }

  // The server decides as the token's holder: the decision's actor is who the server says it is.
  std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) override {
    nlohmann::json body = {{"ion", d.ion}, {"node", d.node}, {"model", d.model_ref}, {"approve", d.approve},
                           {"comment", d.comment}};
    std::vector<runtime::FlowEvent> out;
    auto doc = get("/api/v1/approvals", "POST", body.dump());
    for (const auto& f : doc.at("flows")) out.push_back(api::flow_event_from(f, d.ion));
    return out;
  }

  nlohmann::json list_agents() override { return get("/api/v1/agents").at("items"); }
  void revoke_agent(const std::string& name, int64_t) override { get("/api/v1/agents/" + escape(name), "DELETE"); }

 private:
  // A 2xx body as JSON; a Status document becomes the error it describes, with the exit code a
  // local command would have given.
  nlohmann::json get(const std::string& path, const std::string& method = "GET", const std::string& payload = "") {
    auto request = server_request(c_, path);
    request.method = method;
    request.body = payload;
    if (!payload.empty()) request.headers.push_back("Content-Type: application/json");
    auto answer = net::http_request(request);
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status >= 200 && answer.status < 300 && body.is_object()) return body;
    util::Exit code = util::Exit::error;
    if (answer.status == 400) code = util::Exit::usage;
    if (answer.status == 404) code = util::Exit::not_found;
    if (answer.status == 401 || answer.status == 403) code = util::Exit::permission;
    std::string message = body.is_object() && body.contains("message") ? body["message"].get<std::string>()
                                                                       : "HTTP " + std::to_string(answer.status);
    throw util::Error(code, message + " (server " + c_.server + ", context " + c_.name + ")",
                      body.is_object() ? body.value("hint", "") : "");
  }

  Context c_;
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

std::unique_ptr<Client> local_client(store::Store& store) { return std::make_unique<LocalClient>(store); }
std::unique_ptr<Client> server_client(const Context& context) { return std::make_unique<ServerClient>(context); }

}  // namespace mlops::cli
