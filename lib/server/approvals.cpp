// People deciding on held models, through the server: anyone may see what waits, approvers decide.
// The policy's own rules (its approvers, quorum, requesterCannotApprove, expiry) apply on top of
// the token's role, with the token's name as the person.
#include "api/documents.hpp"
#include "api/flows.hpp"
#include "runtime/approval.hpp"
#include "server/internal.hpp"

namespace mlops::server {

using nlohmann::json;

void Server::Impl::approval_routes() {
  using auth::Role;
  http->Get("/api/v1/approvals", guarded(Role::viewer, [this](auto&, auto& res, auto&, store::Store& st) {
    json items = json::array();
    for (const auto& p : runtime::pending_approvals(st, clock.now_ms())) items.push_back(api::pending(p));
    reply(res, api::document("PendingApprovalList", {{"items", items}}));
  }));
  http->Post("/api/v1/approvals", guarded(Role::approver, [this](const httplib::Request& req, httplib::Response& res, const Caller& c,
                                                                 store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    auto text = [&](const char* key) { return (*body).contains(key) && (*body)[key].is_string() ? (*body)[key].get<std::string>() : ""; };
    if (text("ion").empty() || text("model").empty() || !body->contains("approve") || !(*body)["approve"].is_boolean())
      return reply_error(res, 400, "expected ion and model (strings) and approve (true or false)");
    runtime::Decision d{text("ion"), text("node"), text("model"), c.name, (*body)["approve"].get<bool>(), text("comment"),
                        clock.now_ms()};
    json flows = json::array();
    for (const auto& e : runtime::decide(st, d)) flows.push_back(api::flow_event(e));
    reply(res, api::document("ApprovalResult", {{"approve", d.approve}, {"actor", c.name}, {"flows", flows}}));
  }));
}

}  // namespace mlops::server
