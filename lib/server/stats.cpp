// What runs report, read through the server: stat points (to follow: after a point's number),
// buckets of one stat, summaries per name, the ML health of nodes, and alerts with their
// acknowledgements.
#include "api/documents.hpp"
#include "api/stats.hpp"
#include "runtime/alerts.hpp"
#include "runtime/health.hpp"
#include "server/internal.hpp"
#include "stats/series.hpp"
#include "util/time.hpp"

namespace mlops::server {

using nlohmann::json;

namespace {

stats::Filter filter_of(const httplib::Request& req) {
  return api::stats_filter([&](const char* key) { return req.get_param_value(key); });
}

}  // namespace

void Server::Impl::stats_routes() {
  using auth::Role;
  // For Prometheus (a bearer token with the viewer role in its scrape config).
  http->Get("/metrics", guarded(Role::viewer, [this](const httplib::Request&, httplib::Response& res, const Caller&,
                                                     store::Store& st) {
    api::Exposition out;
    api::store_metrics(st, out);
    out.family("mlops_agent_last_seen_timestamp_seconds", "gauge", "When each agent last polled, in seconds since the epoch.");
    out.family("mlops_agent_spool_items", "gauge", "Items waiting in each agent's spool, as it last said.");
    json agents = list_agents(st, seen_ms);
    for (const auto& a : agents) {
      api::Exposition::Labels l = {{"agent", a["name"]}};
      if (a["lastSeen"].is_string())
        out.sample("mlops_agent_last_seen_timestamp_seconds", l,
                   static_cast<double>(util::parse_rfc3339(a["lastSeen"]).value_or(0)) / 1000);
      if (a["spool"].is_object() && a["spool"].contains("items") && a["spool"]["items"].is_number())
        out.sample("mlops_agent_spool_items", l, a["spool"]["items"].get<double>());
    }
    latencies.write(out, "mlops_http_request_duration_seconds", "Time to answer API requests, by method, route and status class.");
    res.set_content(out.text(), "text/plain; version=0.0.4; charset=utf-8");
  }));
  // A page of points: at most 10,000 a request, so a follower catching up asks again from the last.
  http->Get("/api/v1/stats", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res, const Caller&,
                                                      store::Store& st) {
    auto f = filter_of(req);
    bool tail = f.limit > 0 && f.after_id == 0;  // the newest `limit`, at most a page of them
    f.limit = tail ? std::min<int64_t>(f.limit, 10000) : 0;
    json items = stats::points(st, f);
    if (!tail && items.size() > 10000) items.erase(items.begin() + 10000, items.end());
    res.set_header("Cache-Control", "no-store");
    reply(res, api::document("StatPointList", {{"items", items}, {"last", stats::last_id(st)}}));
  }));
  http->Get("/api/v1/stats/buckets", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                              const Caller&, store::Store& st) {
    auto f = filter_of(req);
    if (f.name.empty()) return reply_error(res, 400, "buckets are of one stat: name it");
    std::string every = req.get_param_value("every");
    if (every.empty() || every.size() > 15 || every.find_first_not_of("0123456789") != std::string::npos)
      return reply_error(res, 400, "invalid every '" + every + "': a bucket's length in milliseconds");
    std::string agg = req.has_param("agg") ? req.get_param_value("agg") : "avg";
    reply(res, api::document("StatBucketList", {{"items", stats::buckets(st, f, std::stoll(every), agg)}}));
  }));
  http->Get("/api/v1/stats/summary", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                              const Caller&, store::Store& st) {
    reply(res, api::document("StatSummaryList", {{"items", stats::summaries(st, filter_of(req))}}));
  }));
  http->Get("/api/v1/health", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                       const Caller&, store::Store& st) {
    reply(res, api::document("NodeHealthList", {{"items", runtime::node_health(st, req.get_param_value("ion"),
                                                                                 req.get_param_value("node"))}}));
  }));
  http->Get("/api/v1/alerts", guarded(Role::viewer, [this](const httplib::Request& req, httplib::Response& res,
                                                           const Caller&, store::Store& st) {
    runtime::sync_alerts(st, clock.now_ms());
    json items = json::array();
    for (const auto& a : runtime::list_alerts(st, req.get_param_value("ion"), req.get_param_value("all") == "true"))
      items.push_back(runtime::alert_json(a));
    reply(res, api::document("AlertList", {{"items", items}}));
  }));
  http->Post(R"(/api/v1/alerts/([0-9]{1,18})/ack)", guarded(Role::operator_, [this](const httplib::Request& req,
                                                                                  httplib::Response& res,
                                                                                  const Caller& c, store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    std::string comment;
    if (body->contains("comment")) {
      if (!(*body)["comment"].is_string()) return reply_error(res, 400, "comment must be a string");
      comment = (*body)["comment"];
    }
    runtime::sync_alerts(st, clock.now_ms());
    reply(res, api::document("Alert", runtime::alert_json(runtime::ack_alert(st, std::stoll(req.matches[1]), c.name,
                                                                            comment, clock.now_ms()))));
  }));
}

}  // namespace mlops::server
