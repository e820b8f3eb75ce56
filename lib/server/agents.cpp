// Agents: they join (a certificate for a key they keep), say who they are (labels, engines), poll
// their assignment and send their spools. The assignment is everything an agent needs to run the
// nodes placed on it: each ION's current revision, the pipeline versions of its nodes, and the
// model each consuming node was last delivered. Its ETag changes with its content, so an unchanged
// poll is a 304 with no body. The answer is cached per agent and made again only when what it is
// made of changed: one small query, made at most every 100 ms for all agents, says so, and
// catches changes made beside the server too (a CLI applying IONs to its store).
#include "api/documents.hpp"
#include "api/resources.hpp"
#include "ion/registry.hpp"
#include "net/tls.hpp"
#include "pipeline/registry.hpp"
#include "runtime/flow.hpp"
#include "runtime/run.hpp"
#include "runtime/scheduler.hpp"
#include "server/internal.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace mlops::server {

using nlohmann::json;
using store::Stmt;

namespace {

constexpr int kAgentCertificateDays = 397;
constexpr int64_t kSeenFlushMs = 10000;
// Every agent's poll would otherwise ask what assignments are made of; asked at most this often,
// a change reaches the next polls within it.
constexpr int64_t kInputsEveryMs = 100;

bool valid_agent_name(const std::string& name) {
  return !name.empty() && name.size() <= 63 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos;
}

runtime::AgentIdentity identity_of(store::Store& st, const std::string& name) {
  runtime::AgentIdentity who;
  who.name = name;
  Stmt s(st.catalog().handle(), "SELECT labels FROM agents WHERE name = ?");
  s.bind(1, name);
  if (s.step()) who.labels = json::parse(s.text(0), nullptr, false).get<std::map<std::string, std::string>>();
  return who;
}

// What assignments are made of, in one string that changes when any of it does (deletions too:
// the counts, and model_events, which records them).
std::string assignment_inputs(store::Store& st) {
  Stmt s(st.catalog().handle(),
         "SELECT (SELECT coalesce(max(rowid), 0) FROM ion_revisions) || ':' || (SELECT count(*) FROM ions) || ':' || "
         "(SELECT coalesce(max(id), 0) FROM flow_events) || ':' || (SELECT coalesce(max(rowid), 0) FROM pipeline_versions) "
         "|| '.' || (SELECT count(*) FROM pipeline_versions) || ':' || (SELECT coalesce(max(rowid), 0) FROM versions) "
         "|| ':' || (SELECT count(*) FROM models) || ':' || (SELECT coalesce(max(id), 0) FROM model_events) || ':' || "
         "(SELECT count(*) || '.' || coalesce(max(id), 0) FROM run_requests WHERE done_ms = 0) || ':' || "
         "(SELECT count(*) || '.' || total(rowid) FROM runs WHERE status = 'running' AND cancel_requested_by != '' "
         "AND agent != '')");
  s.step();
  return s.text(0);
}

json assignment(store::Store& st, const runtime::AgentIdentity& who) {
  json ions = json::array();
  for (const auto& rev : ion::list_ions(st)) {
    auto m = ion::load_revision(rev);
    json pipelines = json::object(), deliveries = json::array(), nodes = json::array();
    for (const auto& n : m.nodes) {
      if (n.policy || !runtime::placed_on(n, who)) continue;
      nodes.push_back(n.name);
      auto p = pipeline::resolve_pipeline(st, store::parse_model_ref(n.pipeline));
      pipelines[p.name + ":" + std::to_string(p.version)] = api::pipeline_version(p);
      std::string model = runtime::delivered_model(st, m.name, n.name);
      if (model.empty()) continue;
      store::ModelVersion v;
      try {
        v = st.registry().resolve(store::parse_model_ref(model));
      } catch (const util::Error&) {
        continue;  // deleted since: the node keeps what it has
      }
      json doc = api::model_version(v);
      if (v.type == "directory") doc["tree"] = api::model_tree(st.read_tree(v.digest));
      deliveries.push_back({{"node", n.name}, {"model", doc}});
    }
    if (nodes.empty()) continue;
    json plist = json::array();
    for (auto& [_, p] : pipelines.items()) plist.push_back(p);
    ions.push_back({{"name", m.name}, {"revision", rev.revision}, {"source", rev.source}, {"sourceName", rev.source_name},
                    {"nodes", nodes}, {"pipelines", plist}, {"deliveries", deliveries}});
  }
  // Nodes to run now ('ion run' through the server), until the agent reports their runs.
  json requests = json::array();
  Stmt s(st.catalog().handle(),
         "SELECT id, ion, node, requested_by FROM run_requests WHERE agent = ? AND done_ms = 0 ORDER BY id");
  s.bind(1, who.name);
  while (s.step())
    requests.push_back({{"id", s.integer(0)}, {"ion", s.text(1)}, {"node", s.text(2)}, {"requestedBy", s.text(3)}});
  // Its runs someone asked to stop ('run cancel' through the server).
  json cancels = json::array();
  Stmt c(st.catalog().handle(),
         "SELECT id, cancel_requested_by FROM runs WHERE agent = ? AND status = 'running' AND cancel_requested_by != '' "
         "ORDER BY id");
  c.bind(1, who.name);
  while (c.step()) cancels.push_back({{"run", c.text(0)}, {"by", c.text(1)}});
  return api::document("Assignment",
                       {{"agent", who.name}, {"ions", ions}, {"requests", requests}, {"cancels", cancels}});
}

}  // namespace

nlohmann::json list_agents(store::Store& st, const std::map<std::string, int64_t>& seen_ms) {
  json items = json::array();
  Stmt s(st.catalog().handle(),
         "SELECT name, labels, engines, version, joined_ms, last_seen_ms, acked_seq, spool, revoked_ms, not_after_ms "
         "FROM agents ORDER BY name");
  while (s.step()) {
    int64_t seen = s.is_null(5) ? 0 : s.integer(5);
    if (auto it = seen_ms.find(s.text(0)); it != seen_ms.end()) seen = std::max(seen, it->second);
    items.push_back({{"name", s.text(0)},
                     {"labels", json::parse(s.text(1), nullptr, false)},
                     {"engines", json::parse(s.text(2), nullptr, false)},
                     {"version", s.text(3)},
                     {"joinedAt", util::format_rfc3339(s.integer(4))},
                     {"lastSeen", seen ? json(util::format_rfc3339(seen)) : json(nullptr)},
                     {"ackedSeq", s.integer(6)},
                     {"spool", json::parse(s.text(7), nullptr, false)},
                     {"revoked", !s.is_null(8)},
                     {"certificateNotAfter", util::format_rfc3339(s.integer(9))}});
  }
  return items;
}

bool revoke_agent(store::Store& st, const std::string& name, int64_t now_ms) {
  Stmt s(st.catalog().handle(), "UPDATE agents SET revoked_ms = ? WHERE name = ? AND revoked_ms IS NULL");
  s.bind(1, now_ms).bind(2, name).run();
  return sqlite3_changes(st.catalog().handle()) > 0;
}

httplib::Server::Handler Server::Impl::agent_only(Handler handler, bool hold_store) {
  return guarded(auth::Role::operator_, [handler](const httplib::Request& req, httplib::Response& res, const Caller& c,
                                                  store::Store& st) {
    std::string name = req.matches[1];
    if (!c.agent || c.name != name)
      return reply_error(res, 403, c.via + " '" + c.name + "' is not agent '" + name + "'",
                         "agents use the certificate they were given by 'mlops agent join'");
    handler(req, res, c, st);
  }, hold_store);
}

void Server::Impl::agent_routes() {
  using auth::Role;
  // An agent joins: it sends a certificate request for a key it keeps, an operator's token says it
  // may, and it gets a client certificate named as it asked (a name not taken) under the CA.
  http->Post("/api/v1/agents/join", guarded(Role::operator_, [this](const httplib::Request& req, auto& res,
                                                                     const Caller& c, store::Store& st) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || !body.contains("csr") ||
        !body["csr"].is_string())
      return reply_error(res, 400, "expected a JSON object with string fields name and csr");
    std::string name = body["name"];
    if (!valid_agent_name(name))
      return reply_error(res, 400, "invalid agent name '" + name + "'",
                         "lower-case letters, digits, '-' and '.', at most 63 characters");
    {
      Stmt s(st.catalog().handle(), "SELECT 1 FROM agents WHERE name = ?");
      s.bind(1, name);
      if (s.step()) return reply_error(res, 409, "an agent named '" + name + "' has joined already", "join under another name");
    }
    net::KeyPair ca{util::read_file(o.tls_dir + "/ca.crt"), util::read_file(o.tls_dir + "/ca.key")};
    std::string cert = net::sign_request(ca, body["csr"], name, "agent", kAgentCertificateDays);
    auto info = net::inspect_certificate(cert);
    Stmt s(st.catalog().handle(),
           "INSERT INTO agents(name, certificate_sha256, not_after_ms, joined_by, joined_ms) VALUES(?, ?, ?, ?, ?)");
    s.bind(1, name).bind(2, info.sha256).bind(3, info.not_after_ms).bind(4, c.name).bind(5, clock.now_ms()).run();
    reply(res, api::document("AgentCredentials", {{"name", name}, {"certificate", cert}, {"ca", ca.cert_pem},
                                                  {"notAfter", util::format_rfc3339(info.not_after_ms)}}),
          201);
  }));

  http->Get("/api/v1/agents", guarded(Role::viewer, [this](auto&, auto& res, auto&, store::Store& st) {
    reply(res, api::document("AgentList", {{"items", list_agents(st, seen_ms)}}));
  }));

  // Revoked, an agent's certificate is refused from its next request on (see guarded).
  http->Delete(R"(/api/v1/agents/([^/]+))", guarded(Role::admin, [this](const httplib::Request& req, httplib::Response& res,
                                                                         const Caller&, store::Store& st) {
    std::string name = req.matches[1];
    if (!revoke_agent(st, name, clock.now_ms())) return reply_error(res, 404, "no agent '" + name + "' (or it is revoked already)");
    assigned.erase(name);
    reply(res, api::document("Agent", {{"name", name}, {"revoked", true}}));
  }));

  // What a running agent says of itself when it starts.
  http->Put(R"(/api/v1/agents/([^/]+))", agent_only([this](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    json labels = body->value("labels", json::object()), engines = body->value("engines", json::array());
    if (!labels.is_object() || !std::all_of(labels.begin(), labels.end(), [](auto& v) { return v.is_string(); }))
      return reply_error(res, 400, "labels must be an object of strings");
    std::string name = req.matches[1];
    Stmt s(st.catalog().handle(), "UPDATE agents SET labels = ?, engines = ?, version = ?, last_seen_ms = ? WHERE name = ?");
    s.bind(1, labels.dump()).bind(2, engines.dump()).bind(3, body->value("version", "")).bind(4, clock.now_ms()).bind(5, name).run();
    assigned.erase(name);
    reply(res, api::document("Agent", {{"name", name}, {"labels", labels}, {"engines", engines}}));
  }));

  // The poll, and so the heartbeat.
  http->Get(R"(/api/v1/agents/([^/]+)/assignment)", agent_only([this](const httplib::Request& req, auto& res, auto&,
                                                                       store::Store& st) {
    std::string name = req.matches[1];
    int64_t now = clock.now_ms();
    seen_ms[name] = now;
    if (now - seen_flushed_ms > kSeenFlushMs) {
      // One transaction, so one fsync for the fleet, not one per agent, while every poll waits.
      store::Catalog::Transaction tx(st.catalog());
      Stmt s(st.catalog().handle(), "UPDATE agents SET last_seen_ms = ? WHERE name = ?");
      for (const auto& [agent, at] : seen_ms) {
        s.bind(1, at).bind(2, agent).run();
        s.reset();
      }
      tx.commit();
      seen_flushed_ms = now;
    }
    auto& a = assigned[name];
    if (now - inputs_ms >= kInputsEveryMs || now < inputs_ms) {
      inputs = assignment_inputs(st);
      inputs_ms = now;
    }
    if (a.inputs != inputs || a.body.empty()) {
      a.body = assignment(st, identity_of(st, name)).dump() + "\n";
      a.etag = "\"" + util::sha256_hex(a.body).substr(0, 32) + "\"";
      a.inputs = inputs;
    }
    res.set_header("ETag", a.etag);
    res.set_header("Cache-Control", "no-cache");
    if (req.get_header_value("If-None-Match") == a.etag) {
      res.status = 304;
      return;
    }
    res.status = 200;
    res.set_content(a.body, "application/json");
  }));

  // Parsed before the store is taken: the JSON of a big batch is most of its cost, and other
  // requests need not wait for it.
  http->Post(R"(/api/v1/agents/([^/]+)/spool)", agent_only([this](const httplib::Request& req, auto& res, auto&,
                                                                   store::Store& st) { ingest(req, res, st); },
                                                            false));
}

}  // namespace mlops::server
