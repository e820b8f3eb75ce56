// Runs through the server: as agents reported them (and as run on the server's machine), their
// logs as far as the agents have sent them, and asking for runs: 'ion run' becomes a request to
// each agent the node is placed on, 'run cancel' of an agent's run a request to that agent. Agents
// see requests in their assignments (agents.cpp) and answer through their spools (spool.cpp).
#include "api/documents.hpp"
#include "api/spool.hpp"
#include "ion/registry.hpp"
#include "runtime/run.hpp"
#include "runtime/scheduler.hpp"
#include "server/internal.hpp"
#include "store/catalog.hpp"
#include "util/fs.hpp"
#include "util/time.hpp"

namespace mlops::server {

using nlohmann::json;
using store::Stmt;

namespace {

// A run request as the API shows it; null when there is none.
json run_request(store::Store& st, int64_t id) {
  Stmt s(st.catalog().handle(),
         "SELECT id, ion, node, agent, requested_by, requested_ms, run_id, done_ms FROM run_requests WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return nullptr;
  return {{"id", s.integer(0)}, {"ion", s.text(1)}, {"node", s.text(2)}, {"agent", s.text(3)},
          {"requestedBy", s.text(4)}, {"requestedAt", util::format_rfc3339(s.integer(5))}, {"run", s.text(6)},
          {"done", s.integer(7) != 0}};
}

}  // namespace

void Server::Impl::run_routes() {
  using auth::Role;
  // Runs as agents reported them (and as run on the server's machine), in the spool's run shape.
  http->Get("/api/v1/runs", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res, const Caller&,
                                                     store::Store& st) {
    json items = json::array();
    for (const auto& r : runtime::list_runs(st, req.get_param_value("ion"), req.get_param_value("node")))
      items.push_back(api::run_record(r));
    reply(res, api::document("RunRecordList", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/runs/([^/]+))", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                               const Caller&, store::Store& st) {
    auto r = runtime::get_run(st, req.matches[1]);
    json doc = api::run_record(r);
    if (req.get_param_value("stats") != "false") {  // status polls ask without: summing is the cost
      json stats = json::array();
      for (const auto& s : runtime::run_stats(st, r.id))
        stats.push_back({{"name", s.name}, {"source", s.source}, {"points", s.points}, {"last", s.last}});
      doc["stats"] = stats;
    }
    reply(res, api::document("RunRecord", doc));
  }));
  // 'ion run' through the server: the node runs now on every agent it is placed on, which learns
  // of it with its next poll and reports the run through its spool.
  http->Post(R"(/api/v1/ions/([^/]+)/runs)", guarded(Role::operator_, [this](const httplib::Request& req,
                                                                            httplib::Response& res, const Caller& c,
                                                                            store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    std::string ion = req.matches[1];
    std::string node = body->contains("node") && body->at("node").is_string() ? body->at("node").get<std::string>() : "";
    auto m = ion::load_revision(ion::current_revision(st, ion));
    const ion::Node& n = m.require(node);
    if (n.policy) return reply_error(res, 400, "node '" + node + "' is a policy; only pipeline nodes run");
    std::vector<std::string> agents;
    for (const auto& a : list_agents(st, seen_ms)) {
      if (a.value("revoked", false)) continue;
      runtime::AgentIdentity who{a.at("name").get<std::string>(), a.at("labels").get<std::map<std::string, std::string>>()};
      if (runtime::placed_on(n, who)) agents.push_back(who.name);
    }
    if (agents.empty())
      return reply_error(res, 409, "no agent of this server runs " + ion + "/" + node + " (" + ion::describe(n.placement) + ")",
                         "see 'mlops agent list' for the agents and their labels");
    store::Catalog::Transaction tx(st.catalog());
    json items = json::array();
    for (const auto& a : agents) {
      Stmt(st.catalog().handle(),
           "INSERT INTO run_requests(ion, node, agent, requested_by, requested_ms) VALUES(?, ?, ?, ?, ?)")
          .bind(1, ion).bind(2, node).bind(3, a).bind(4, c.name).bind(5, clock.now_ms()).run();
      items.push_back(run_request(st, sqlite3_last_insert_rowid(st.catalog().handle())));
    }
    tx.commit();
    reply(res, api::document("RunRequestList", {{"items", items}}), 201);
  }));
  // A run's log from a byte offset on: what ran here, or what its agent has sent so far.
  http->Get(R"(/api/v1/runs/([^/]+)/log)", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                                    const Caller&, store::Store& st) {
    auto r = runtime::get_run(st, req.matches[1]);
    std::string offset = req.get_param_value("offset");
    if (!offset.empty() && (offset.size() > 18 || offset.find_first_not_of("0123456789") != std::string::npos))
      return reply_error(res, 400, "invalid offset '" + offset + "': a number of bytes");
    std::string text = util::read_from(runtime::run_dir(st, r.id) + "/run.log", offset.empty() ? 0 : std::stoull(offset));
    res.set_header("Cache-Control", "no-store");
    res.set_content(text, "text/plain; charset=utf-8");
  }));
  // A run on an agent is stopped by that agent, which sees the request at its next poll and
  // reports the run's end; a run on this machine, as 'run cancel' would stop it here.
  http->Post(R"(/api/v1/runs/([^/]+)/cancel)", guarded(Role::operator_, [this](const httplib::Request& req,
                                                                              httplib::Response& res, const Caller& c,
                                                                              store::Store& st) {
    std::string id = req.matches[1];
    auto r = runtime::get_run(st, id);
    std::string agent;
    {
      Stmt s(st.catalog().handle(), "SELECT agent FROM runs WHERE id = ?");
      s.bind(1, id);
      if (s.step()) agent = s.text(0);
    }
    if (r.status != "running")
      return reply_error(res, 409, "run '" + id + "' is not running: it " +
                                       (r.status == "cancelled" ? std::string("was cancelled") : r.status));
    if (agent.empty()) {
      r = runtime::request_cancel(st, id, c.name, clock.now_ms());
    } else {
      Stmt(st.catalog().handle(), "UPDATE runs SET cancel_requested_by = ? WHERE id = ? AND status = 'running'")
          .bind(1, c.name).bind(2, id).run();
      r.cancel_requested_by = c.name;
    }
    reply(res, api::document("RunRecord", api::run_record(r)));
  }));
  http->Get(R"(/api/v1/run-requests/([0-9]{1,18}))", guarded(Role::viewer, [](const httplib::Request& req,
                                                                           httplib::Response& res, const Caller&,
                                                                           store::Store& st) {
    json doc = run_request(st, std::stoll(req.matches[1]));
    if (doc.is_null()) return reply_error(res, 404, "no run request " + req.matches[1].str());
    reply(res, api::document("RunRequest", doc));
  }));
}

}  // namespace mlops::server
