// Webhooks: alerts and pending approvals posted as JSON to people's systems (chat, paging,
// ticketing), each signed with HMAC-SHA256 and retried with back-off until it is taken.
//
//   POST URL
//   Content-Type: application/json
//   X-Mlops-Event: alert | approval
//   X-Mlops-Delivery: 17                         (the same on every retry of one delivery)
//   X-Mlops-Signature: sha256=HEX                (HMAC-SHA256 of the body under the secret)
//   {"apiVersion": "mlops/v1", "kind": "AlertNotification", "alert": {...}}
//   {"apiVersion": "mlops/v1", "kind": "ApprovalNotification", "approval": {...}}
//
// A 2xx answer takes a delivery; anything else, or none, is tried again after 1 s, 2 s, 4 s ...
// (at most 10 minutes apart), 12 times in all. Deliveries are kept in the catalog, so a restart
// goes on where it was. A target sees the alerts raised after it was first seen, and every
// approval still pending.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/http.hpp"
#include "store/store.hpp"

namespace mlops::runtime {

struct WebhookTarget {
  std::string url, secret;
  std::string ion;  // "" for every ION's (the server's own targets)
};

// The server's targets plus each ION's (spec.webhooks, their secrets read from the environment
// here; an ION naming a variable that is not set is skipped, and said through `say`).
std::vector<WebhookTarget> webhook_targets(store::Store& store, const std::vector<WebhookTarget>& own,
                                           const std::function<void(const std::string&)>& say);

struct Delivery {
  int64_t id = 0;
  std::string url, kind, body;
  int64_t attempts = 0;
};

// Queues what is new for each target; returns the deliveries due now.
std::vector<Delivery> due_webhooks(store::Store& store, const std::vector<WebhookTarget>& targets, int64_t now_ms);
// Posts one (no store needed: the caller may let go of it meanwhile); "" when it was taken, else why not.
std::string post_webhook(const Delivery& d, const std::string& secret,
                         const std::function<net::HttpResponse(const net::HttpRequest&)>& http = net::http_request);
void record_webhook(store::Store& store, const Delivery& d, const std::string& error, int64_t now_ms);

// One round: queue, post what is due (outside `with_store`), record. For a loop beside a server or
// an agent; `with_store` runs its argument with the store held.
void webhook_round(const std::function<void(const std::function<void(store::Store&)>&)>& with_store,
                   const std::vector<WebhookTarget>& own, int64_t now_ms, const std::function<void(const std::string&)>& say);

}  // namespace mlops::runtime
