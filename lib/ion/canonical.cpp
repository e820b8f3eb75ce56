// What an ION manifest says, put back into words: one-line descriptions for tables and graphs,
// the thresholds a feature is held to, and the canonical JSON that revisions are compared by.
#include "ion/manifest.hpp"

#include "util/strings.hpp"

namespace mlops::ion {

using nlohmann::json;

std::string describe(const Schedule& s) {
  if (s.kind == "cron") return "cron " + s.cron + " (" + s.timezone + ")";
  if (s.kind == "every") return "every " + s.every;
  if (s.kind == "model") return "on model";
  if (s.kind == "alert") return s.alert.empty() ? "on alert" : "on alert " + s.alert;
  return "manual";
}

std::string describe(const Policy& p) {
  if (p.type == "gate") {
    std::string out;
    for (const auto& c : p.conditions)
      out += (out.empty() ? "" : " and ") + c.source + " " + c.name + " " + c.op + " " + util::format_number(c.value);
    return "gate " + out;
  }
  if (p.type == "approval") {
    std::string who;
    for (const auto& a : p.approvers) who += (who.empty() ? "" : ", ") + a;
    std::string out = "approval by " + who;
    if (p.quorum > 1) out += " (quorum " + std::to_string(p.quorum) + ")";
    if (!p.expires.empty()) out += ", expires " + p.expires;
    return out;
  }
  return "auto";
}

std::string describe(const Edge& e) {
  if (e.on == "model") return "model";
  return e.alert.empty() ? "on alert" : "on alert " + e.alert;
}

std::string describe(const Placement& p) {
  if (!p.agent.empty()) return "agent " + p.agent;
  if (p.selector.empty()) return "local";
  std::string out;
  for (const auto& [k, v] : p.selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

health::Thresholds Health::for_feature(const std::string& feature) const {
  health::Thresholds t = thresholds.any() ? thresholds : health::Thresholds{0.2, {}, {}, {}};
  auto it = features.find(feature);
  if (it == features.end()) return t;
  // A feature's own thresholds replace the node's, score by score.
  if (it->second.psi) t.psi = it->second.psi;
  if (it->second.ks) t.ks = it->second.ks;
  if (it->second.js) t.js = it->second.js;
  if (it->second.overlap) t.overlap = it->second.overlap;
  return t;
}

json to_json(const IonManifest& ion) {
  json nodes = json::array(), edges = json::array();
  for (const auto& n : ion.nodes) {
    json item = {{"name", n.name}};
    if (!n.description.empty()) item["description"] = n.description;
    if (n.policy) {
      const Policy& p = *n.policy;
      json policy = {{"type", p.type}};
      if (p.type == "gate") {
        json conds = json::array();
        for (const auto& c : p.conditions) conds.push_back({{c.source, c.name}, {"op", c.op}, {"value", c.value}});
        policy["conditions"] = conds;
      }
      if (p.type == "approval") {
        policy["approvers"] = p.approvers;
        policy["quorum"] = p.quorum;
        policy["requesterCannotApprove"] = p.requester_cannot_approve;
        if (!p.expires.empty()) policy["expires"] = p.expires;
      }
      item["policy"] = policy;
    } else {
      item["pipeline"] = n.pipeline;
      json placement = json::object();
      if (!n.placement.agent.empty()) placement["agent"] = n.placement.agent;
      if (!n.placement.selector.empty()) placement["selector"] = n.placement.selector;
      item["placement"] = placement;
      json schedule = json::object();
      if (n.schedule.kind == "cron") schedule = {{"cron", n.schedule.cron}, {"timezone", n.schedule.timezone}};
      if (n.schedule.kind == "every") schedule = {{"every", n.schedule.every}};
      if (n.schedule.missed != "skip") schedule["missed"] = n.schedule.missed;
      if (n.schedule.kind == "model") schedule = {{"on", "model"}};
      if (n.schedule.kind == "alert") {
        schedule = {{"on", "alert"}};
        if (!n.schedule.alert.empty()) schedule["alert"] = n.schedule.alert;
      }
      item["schedule"] = schedule;
      item["args"] = n.args;
      item["mode"] = n.mode;
      // Only what differs from the defaults, so revisions applied before these fields existed
      // compare equal to the same manifest applied now.
      if (!n.timeout.empty()) item["timeout"] = n.timeout;
      if (n.retry.limit) item["retry"] = {{"limit", n.retry.limit}, {"backoff", n.retry.backoff}};
      if (n.concurrency != "forbid") item["concurrency"] = n.concurrency;
      if (n.spark.master != "local[*]" || n.spark.deploy_mode != "client" || !n.spark.conf.empty())
        item["spark"] = {{"master", n.spark.master}, {"deployMode", n.spark.deploy_mode}, {"conf", n.spark.conf}};
      json h = health::to_json(n.health.thresholds);
      for (const auto& [feature, t] : n.health.features) h["features"][feature] = health::to_json(t);
      if (n.health.alert != "drift") h["alert"] = n.health.alert;
      if (!h.empty()) item["health"] = h;
    }
    nodes.push_back(item);
  }
  for (const auto& e : ion.edges) {
    json edge = {{"from", e.from}, {"to", e.to}};
    if (e.on != "model") edge["on"] = e.on;
    if (!e.alert.empty()) edge["alert"] = e.alert;
    edges.push_back(edge);
  }
  json meta = {{"name", ion.name}};
  if (!ion.description.empty()) meta["description"] = ion.description;
  json spec = {{"nodes", nodes}, {"edges", edges}};
  for (const auto& w : ion.webhooks) spec["webhooks"].push_back({{"url", w.url}, {"secretEnv", w.secret_env}});
  return {{"apiVersion", "mlops/v1"}, {"kind", "ION"}, {"metadata", meta}, {"spec", spec}};
}

}  // namespace mlops::ion
