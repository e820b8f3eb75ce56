#include "ion/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <tuple>

#include "schedule/cron.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::ion {

using manifest::Value;
using nlohmann::json;

namespace {

// Runs a check that throws a plain usage error and re-throws it located at `at`.
template <typename F>
auto located(const Value& at, F&& f) {
  try {
    return f();
  } catch (const util::Error& e) {
    at.fail(e.what(), e.hint());
  }
}

Schedule parse_schedule(const Value& v) {
  v.only_keys({"cron", "timezone", "every", "on", "alert", "missed"});
  Schedule s;
  int kinds = v.has("cron") + v.has("every") + v.has("on");
  if (kinds != 1) v.fail("a schedule needs exactly one of 'cron', 'every' or 'on'");
  if (v.has("cron")) {
    Value c = v.at("cron");
    s.kind = "cron";
    s.cron = c.as_string();
    located(c, [&] { return schedule::parse_cron(s.cron); });
    if (v.has("timezone")) {
      Value tz = v.at("timezone");
      s.timezone = tz.as_string();
      if (!schedule::is_time_zone(s.timezone)) {
        std::string guess = schedule::closest_time_zone(s.timezone);
        tz.fail("unknown time zone '" + s.timezone + "'", guess.empty() ? "use an IANA name such as Europe/Berlin"
                                                                       : "did you mean '" + guess + "'?");
      }
    }
  } else if (v.has("every")) {
    Value e = v.at("every");
    s.kind = "every";
    s.every = e.as_string();
    s.every_seconds = located(e, [&] { return schedule::parse_duration(s.every); });
  } else {
    s.kind = v.at("on").as_choice({"model", "alert"});
    if (v.has("alert")) {
      if (s.kind != "alert") v.at("alert").fail("'alert' goes with 'on: alert'");
      s.alert = v.at("alert").as_string();
    }
  }
  if (v.has("timezone") && s.kind != "cron") v.at("timezone").fail("'timezone' goes with 'cron'");
  if (v.has("missed")) {
    if (s.kind != "cron" && s.kind != "every") v.at("missed").fail("'missed' goes with 'cron' or 'every'");
    s.missed = v.at("missed").as_choice({"skip", "run-one"});
  }
  return s;
}

Placement parse_placement(const Value& v) {
  v.only_keys({"agent", "selector"});
  Placement p;
  if (v.has("agent") == v.has("selector")) v.fail("a placement needs exactly one of 'agent' or 'selector'");
  if (v.has("agent")) p.agent = v.at("agent").as_string();
  if (v.has("selector")) {
    p.selector = v.at("selector").as_string_map();
    if (p.selector.empty()) v.at("selector").fail("a selector needs at least one label");
  }
  return p;
}

Policy parse_policy(const Value& v) {
  Policy p;
  p.type = v.at("type").as_choice({"auto", "gate", "approval"});
  if (p.type == "auto") v.only_keys({"type"});
  if (p.type == "gate") {
    v.only_keys({"type", "conditions"});
    auto items = v.at("conditions").items();
    if (items.empty()) v.at("conditions").fail("a gate needs at least one condition");
    for (const auto& c : items) {
      c.only_keys({"metric", "health", "op", "value"});
      if (c.has("metric") == c.has("health")) c.fail("a condition needs exactly one of 'metric' or 'health'");
      Condition cond;
      cond.source = c.has("metric") ? "metric" : "health";
      cond.name = c.at(cond.source).as_string();
      cond.op = c.at("op").as_choice({">", ">=", "<", "<=", "==", "!="});
      cond.value = c.at("value").as_number();
      p.conditions.push_back(cond);
    }
  }
  if (p.type == "approval") {
    v.only_keys({"type", "approvers", "quorum", "requesterCannotApprove", "expires"});
    Value approvers = v.at("approvers");
    std::set<std::string> seen;
    for (const auto& a : approvers.items()) {
      std::string who = a.as_string();
      if (who.empty()) a.fail("an approver cannot be empty");
      if (!seen.insert(who).second) a.fail("approver '" + who + "' is listed twice");
      p.approvers.push_back(who);
    }
    if (p.approvers.empty()) approvers.fail("an approval policy needs at least one approver");
    if (v.has("quorum")) {
      Value q = v.at("quorum");
      p.quorum = q.as_int();
      if (p.quorum < 1 || p.quorum > static_cast<int64_t>(p.approvers.size()))
        q.fail("quorum must be between 1 and the number of approvers (" + std::to_string(p.approvers.size()) + ")");
    }
    if (v.has("requesterCannotApprove")) p.requester_cannot_approve = v.at("requesterCannotApprove").as_bool();
    if (v.has("expires")) {
      Value e = v.at("expires");
      p.expires = e.as_string();
      p.expires_seconds = located(e, [&] { return schedule::parse_duration(p.expires); });
    }
  }
  return p;
}

health::Thresholds parse_thresholds(const Value& v, std::vector<std::string> extra) {
  std::vector<std::string> keys = {"psi", "ks", "js", "overlap"};
  keys.insert(keys.end(), extra.begin(), extra.end());
  v.only_keys(keys);
  health::Thresholds t;
  auto read = [&](const char* key, std::optional<double>& out) {
    if (!v.has(key)) return;
    Value x = v.at(key);
    out = x.as_number();
    if (*out < 0 || (std::string(key) != "psi" && *out > 1))
      x.fail(std::string(key) + " threshold must be " + (std::string(key) == "psi" ? "0 or more" : "between 0 and 1"));
  };
  read("psi", t.psi);
  read("ks", t.ks);
  read("js", t.js);
  read("overlap", t.overlap);
  return t;
}

Health parse_health(const Value& v) {
  Health h;
  h.thresholds = parse_thresholds(v, {"features", "alert"});
  if (v.has("alert")) h.alert = v.at("alert").as_identifier("alert name");
  if (v.has("features"))
    for (const auto& [feature, item] : v.at("features").entries()) h.features[feature] = parse_thresholds(item, {});
  return h;
}

Node parse_node(const Value& v) {
  v.only_keys({"name", "description", "pipeline", "policy", "placement", "schedule", "args", "mode", "timeout", "retry",
               "concurrency", "spark", "health"});
  Node n;
  n.name = v.at("name").as_identifier("node name");
  if (v.has("description")) n.description = v.at("description").as_string();
  if (v.has("pipeline") == v.has("policy")) v.fail("node '" + n.name + "' needs exactly one of 'pipeline' or 'policy'");
  if (v.has("policy")) {
    for (const char* field : {"placement", "schedule", "args", "mode", "timeout", "retry", "concurrency", "spark", "health"})
      if (v.has(field)) v.at(field).fail(std::string("'") + field + "' is for pipeline nodes; '" + n.name + "' is a policy");
    n.policy = parse_policy(v.at("policy"));
    return n;
  }
  Value pipeline = v.at("pipeline");
  n.pipeline = pipeline.as_string();
  n.pipeline_at = pipeline;
  auto ref = located(pipeline, [&] { return store::parse_model_ref(n.pipeline); });
  if (ref.kind != store::ModelRef::Kind::name && ref.kind != store::ModelRef::Kind::version)
    pipeline.fail("pipeline reference '" + n.pipeline + "' must be NAME or NAME:VERSION");
  if (v.has("placement")) n.placement = parse_placement(v.at("placement"));
  if (v.has("schedule")) n.schedule = parse_schedule(v.at("schedule"));
  if (v.has("args"))
    for (const auto& [k, item] : v.at("args").entries()) {
      n.args[k] = item.as_string();
      n.args_at.emplace(k, item);
    }
  if (v.has("mode")) n.mode = v.at("mode").as_choice({"batch", "service"});
  if (v.has("timeout")) {
    Value t = v.at("timeout");
    n.timeout = t.as_string();
    n.timeout_seconds = located(t, [&] { return schedule::parse_duration(n.timeout); });
  }
  if (v.has("health")) n.health = parse_health(v.at("health"));
  if (v.has("retry")) {
    Value r = v.at("retry");
    r.only_keys({"limit", "backoff"});
    n.retry.limit = r.at("limit").as_int();
    if (n.retry.limit < 0 || n.retry.limit > 100) r.at("limit").fail("retry limit must be between 0 and 100");
    if (r.has("backoff")) {
      Value b = r.at("backoff");
      n.retry.backoff = b.as_string();
      n.retry.backoff_seconds = located(b, [&] { return schedule::parse_duration(n.retry.backoff); });
    }
  }
  if (v.has("concurrency")) n.concurrency = v.at("concurrency").as_choice({"forbid", "allow", "replace"});
  if (v.has("spark")) {
    Value sp = v.at("spark");
    sp.only_keys({"master", "deployMode", "conf"});
    if (sp.has("master")) {
      Value m = sp.at("master");
      n.spark.master = m.as_string();
      const std::string& master = n.spark.master;
      bool known = master == "yarn" || master.rfind("local", 0) == 0 || master.rfind("spark://", 0) == 0 ||
                   master.rfind("k8s://", 0) == 0 || master.rfind("mesos://", 0) == 0;
      if (!known) m.fail("unknown Spark master '" + master + "'", "use local[N], spark://HOST:PORT, yarn or k8s://URL");
    }
    if (sp.has("deployMode")) n.spark.deploy_mode = sp.at("deployMode").as_choice({"client", "cluster"});
    if (sp.has("conf")) {
      Value c = sp.at("conf");
      n.spark.conf = c.as_string_map();
      auto after = n.spark.conf.find("spark.mlops.rest.after");
      if (after != n.spark.conf.end())
        n.spark.rest_after_ms = after->second == "0" || after->second == "0s"
                                    ? 0
                                    : located(c.at("spark.mlops.rest.after"),
                                              [&] { return schedule::parse_duration(after->second) * 1000; });
    }
  }
  return n;
}

// A cycle fires itself instantly when nothing on it waits: every pipeline node runs 'on: model' and
// no policy asks a person.
bool waits(const Node& n) {
  if (n.policy) return n.policy->type == "approval";
  return n.schedule.kind != "model";
}

void check_cycles(const IonManifest& ion) {
  std::map<std::string, std::vector<const Edge*>> out;
  for (const auto& e : ion.edges)
    if (e.on == "model") out[e.from].push_back(&e);  // an alert edge waits for an alert
  std::map<std::string, int> state;
  std::vector<const Node*> path;
  std::function<void(const Node&)> visit = [&](const Node& n) {
    state[n.name] = 1;
    path.push_back(&n);
    for (const Edge* e : out[n.name]) {
      const Node* next = ion.find(e->to);
      if (state[next->name] == 1) {
        auto start = std::find(path.begin(), path.end(), next);
        bool waiting = std::any_of(start, path.end(), [](const Node* p) { return waits(*p); });
        if (!waiting) {
          std::string cycle;
          for (auto it = start; it != path.end(); ++it) cycle += (*it)->name + " -> ";
          e->at->fail("cycle " + cycle + next->name + " would fire itself instantly",
                      "give a node on it a cron or every schedule, or route it through an approval policy");
        }
      } else if (state[next->name] == 0) {
        visit(*next);
      }
    }
    path.pop_back();
    state[n.name] = 2;
  };
  for (const auto& n : ion.nodes)
    if (state[n.name] == 0) visit(n);
}

}  // namespace

const Node* IonManifest::find(const std::string& node) const {
  for (const auto& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

const Node& IonManifest::require(const std::string& node) const {
  if (const Node* n = find(node)) return *n;
  std::vector<std::string> names;
  for (const auto& n : nodes) names.push_back(n.name);
  std::string guess = util::did_you_mean(node, names);
  throw util::Error(util::Exit::not_found, "ION '" + name + "' has no node '" + node + "'",
                    guess.empty() ? "" : "did you mean '" + guess + "'?");
}

IonManifest parse_ion(const Value& doc) {
  doc.only_keys({"apiVersion", "kind", "metadata", "spec"});
  doc.at("apiVersion").as_choice({"mlops/v1"});
  doc.at("kind").as_choice({"ION"});
  IonManifest ion;
  ion.at = doc;
  Value meta = doc.at("metadata");
  meta.only_keys({"name", "description"});
  Value name = meta.at("name");
  ion.name = name.as_string();
  located(name, [&] {
    store::validate_model_name(ion.name);
    return 0;
  });
  if (meta.has("description")) ion.description = meta.at("description").as_string();

  Value spec = doc.at("spec");
  spec.only_keys({"nodes", "edges", "webhooks"});
  if (spec.has("webhooks"))
    for (const auto& w : spec.at("webhooks").items()) {
      w.only_keys({"url", "secretEnv"});
      Webhook hook;
      Value url = w.at("url");
      hook.url = url.as_string();
      if (hook.url.rfind("https://", 0) != 0 && hook.url.rfind("http://", 0) != 0)
        url.fail("a webhook URL starts with https:// (or http://)");
      Value secret = w.at("secretEnv");
      hook.secret_env = secret.as_identifier("environment variable name");
      ion.webhooks.push_back(hook);
    }
  auto node_values = spec.at("nodes").items();
  if (node_values.empty()) spec.at("nodes").fail("an ION needs at least one node");
  std::vector<std::string> names;
  for (const auto& v : node_values) {
    Node n = parse_node(v);
    if (std::find(names.begin(), names.end(), n.name) != names.end()) v.at("name").fail("duplicate node '" + n.name + "'");
    names.push_back(n.name);
    ion.nodes.push_back(std::move(n));
  }
  if (spec.has("edges")) {
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const auto& v : spec.at("edges").items()) {
      v.only_keys({"from", "to", "on", "alert"});
      Edge e;
      e.at = v;
      if (v.has("on")) e.on = v.at("on").as_choice({"model", "alert"});
      if (v.has("alert")) {
        if (e.on != "alert") v.at("alert").fail("'alert' goes with 'on: alert'");
        e.alert = v.at("alert").as_identifier("alert name");
      }
      for (auto* end : {&e.from, &e.to}) {
        Value field = v.at(end == &e.from ? "from" : "to");
        *end = field.as_string();
        if (!ion.find(*end)) {
          std::string guess = util::did_you_mean(*end, names);
          field.fail("edge " + std::string(end == &e.from ? "from" : "to") + " unknown node '" + *end + "'",
                     guess.empty() ? "" : "did you mean '" + guess + "'?");
        }
      }
      if (e.from == e.to && e.on == "model") v.fail("node '" + e.from + "' cannot send a model to itself");
      if (ion.find(e.from)->policy && e.on == "alert")
        v.fail("node '" + e.from + "' is a policy; alerts come from pipeline nodes");
      if (!seen.insert({e.from, e.to, e.on}).second)
        v.fail("duplicate edge " + e.from + " -> " + e.to + (e.on == "alert" ? " (on alert)" : ""));
      ion.edges.push_back(std::move(e));
    }
  }
  // 'on: model' needs a model to arrive.
  for (size_t i = 0; i < ion.nodes.size(); ++i) {
    const Node& n = ion.nodes[i];
    if (n.schedule.kind != "model") continue;
    bool inbound = std::any_of(ion.edges.begin(), ion.edges.end(),
                               [&](const Edge& e) { return e.to == n.name && e.on == "model"; });
    if (!inbound) node_values[i].at("schedule").fail("node '" + n.name + "' runs on: model, but no edge brings it one");
  }
  check_cycles(ion);
  return ion;
}

}  // namespace mlops::ion
