#include "runtime/webhooks.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "ion/registry.hpp"
#include "runtime/alerts.hpp"
#include "runtime/approval.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/time.hpp"

namespace mlops::runtime {

using nlohmann::json;
using store::Stmt;

namespace {

constexpr int64_t kMaxAttempts = 12;
constexpr int64_t kMaxBackoffMs = 10 * 60 * 1000;

void queue(store::Store& store, const WebhookTarget& t, const std::string& kind, const std::string& item,
           const json& body, int64_t now_ms) {
  Stmt(store.catalog().handle(),
       "INSERT OR IGNORE INTO webhook_deliveries(url, kind, item, body, next_ms) VALUES(?, ?, ?, ?, ?)")
      .bind(1, t.url).bind(2, kind).bind(3, item).bind(4, body.dump()).bind(5, now_ms)
      .run();
}

}  // namespace

std::vector<WebhookTarget> webhook_targets(store::Store& store, const std::vector<WebhookTarget>& own,
                                           const std::function<void(const std::string&)>& say) {
  std::vector<WebhookTarget> out = own;
  for (const auto& rev : ion::list_ions(store)) {
    ion::IonManifest m;
    try {
      m = ion::load_revision(rev);
    } catch (const util::Error&) {
      continue;
    }
    for (const auto& w : m.webhooks) {
      const char* secret = std::getenv(w.secret_env.c_str());
      if (!secret || !*secret) {
        if (say) say("webhook " + w.url + " of ion/" + m.name + " skipped: $" + w.secret_env + " is not set here");
        continue;
      }
      out.push_back({w.url, secret, m.name});
    }
  }
  return out;
}

std::vector<Delivery> due_webhooks(store::Store& store, const std::vector<WebhookTarget>& targets, int64_t now_ms) {
  sync_alerts(store, now_ms);  // its own transaction
  store::Catalog::Transaction tx(store.catalog());
  auto pending = pending_approvals(store, now_ms);
  for (const auto& t : targets) {
    // Alerts after the target's cursor; a new target starts from now.
    std::string origin = "webhook:" + t.url + "#" + t.ion;
    Stmt c(store.catalog().handle(), "SELECT last FROM alert_cursors WHERE origin = ?");
    c.bind(1, origin);
    int64_t last = 0;
    if (c.step()) {
      last = c.integer(0);
    } else {
      Stmt m(store.catalog().handle(), "SELECT coalesce(max(id), 0) FROM alerts");
      m.step();
      last = m.integer(0);
    }
    for (const auto& a : list_alerts(store, t.ion, true)) {
      if (a.id <= last) continue;
      queue(store, t, "alert", "alert:" + std::to_string(a.id),
            {{"apiVersion", "mlops/v1"}, {"kind", "AlertNotification"}, {"alert", alert_json(a)}}, now_ms);
      last = std::max(last, a.id);
    }
    Stmt(store.catalog().handle(), "INSERT INTO alert_cursors(origin, last) VALUES(?, ?) "
                                   "ON CONFLICT(origin) DO UPDATE SET last = excluded.last WHERE last != excluded.last")
        .bind(1, origin).bind(2, last).run();
    for (const auto& p : pending) {
      if (!t.ion.empty() && p.ion != t.ion) continue;
      json approval = {{"ion", p.ion}, {"node", p.node}, {"model", p.model}, {"approvers", p.approvers},
                       {"approvedBy", p.approved_by}, {"quorum", p.quorum}, {"since", util::format_rfc3339(p.since_ms)}};
      if (p.expires_ms) approval["expires"] = util::format_rfc3339(p.expires_ms);
      queue(store, t, "approval", "approval:" + p.ion + "/" + p.node + "/" + p.model,
            {{"apiVersion", "mlops/v1"}, {"kind", "ApprovalNotification"}, {"approval", approval}}, now_ms);
    }
  }
  std::set<std::string> urls;
  for (const auto& t : targets) urls.insert(t.url);
  std::vector<Delivery> out;
  Stmt s(store.catalog().handle(),
         "SELECT id, url, kind, body, attempts FROM webhook_deliveries WHERE delivered_ms IS NULL AND next_ms <= ? "
         "ORDER BY id LIMIT 100");
  s.bind(1, now_ms);
  while (s.step())
    if (urls.count(s.text(1))) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4)});
  tx.commit();
  return out;
}

std::string post_webhook(const Delivery& d, const std::string& secret,
                         const std::function<net::HttpResponse(const net::HttpRequest&)>& http) {
  net::HttpRequest r;
  r.method = "POST";
  r.url = d.url;
  r.body = d.body;
  r.timeout_ms = 10000;
  r.headers = {"Content-Type: application/json", "X-Mlops-Event: " + d.kind, "X-Mlops-Delivery: " + std::to_string(d.id),
               "X-Mlops-Signature: sha256=" + util::hmac_sha256_hex(secret, d.body)};
  try {
    auto answer = http(r);
    if (answer.status >= 200 && answer.status < 300) return "";
    return "answered " + std::to_string(answer.status);
  } catch (const std::exception& e) {
    return e.what();
  }
}

void record_webhook(store::Store& store, const Delivery& d, const std::string& error, int64_t now_ms) {
  if (error.empty()) {
    Stmt(store.catalog().handle(), "UPDATE webhook_deliveries SET delivered_ms = ?, attempts = attempts + 1 WHERE id = ?")
        .bind(1, now_ms).bind(2, d.id).run();
    return;
  }
  int64_t attempts = d.attempts + 1;
  int64_t next = attempts >= kMaxAttempts ? INT64_MAX : now_ms + std::min(kMaxBackoffMs, int64_t{1000} << (attempts - 1));
  Stmt(store.catalog().handle(), "UPDATE webhook_deliveries SET attempts = ?, next_ms = ?, last_error = ? WHERE id = ?")
      .bind(1, attempts).bind(2, next).bind(3, error).bind(4, d.id).run();
}

void webhook_round(const std::function<void(const std::function<void(store::Store&)>&)>& with_store,
                   const std::vector<WebhookTarget>& own, int64_t now_ms, const std::function<void(const std::string&)>& say) {
  std::vector<WebhookTarget> targets;
  std::vector<Delivery> due;
  with_store([&](store::Store& st) {
    targets = webhook_targets(st, own, nullptr);
    if (!targets.empty()) due = due_webhooks(st, targets, now_ms);
  });
  if (due.empty()) return;
  std::vector<std::string> errors;
  for (const auto& d : due) {
    auto t = std::find_if(targets.begin(), targets.end(), [&](const WebhookTarget& w) { return w.url == d.url; });
    errors.push_back(post_webhook(d, t->secret));
    if (!errors.back().empty() && say)
      say("webhook " + d.url + ": delivery " + std::to_string(d.id) + " (" + d.kind + ") failed: " + errors.back() +
          (d.attempts + 1 >= kMaxAttempts ? "; giving up" : "; trying again"));
  }
  with_store([&](store::Store& st) {
    for (size_t i = 0; i < due.size(); ++i) record_webhook(st, due[i], errors[i], now_ms);
  });
}

}  // namespace mlops::runtime
