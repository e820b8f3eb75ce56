#include "server/server.hpp"

#include "server/internal.hpp"
#include "stats/series.hpp"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "api/documents.hpp"
#include "auth/tokens.hpp"
#include "net/tls.hpp"
#include "store/model_ref.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/time.hpp"

namespace mlops::server {

using nlohmann::json;
using util::Error;
using util::Exit;

namespace {

const char* reason_of(int status) {
  switch (status) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 413: return "PayloadTooLarge";
    default: return status >= 500 ? "InternalError" : "Error";
  }
}

}  // namespace

void reply_error(httplib::Response& res, int status, const std::string& message, const std::string& hint) {
  json body = {{"code", status}, {"reason", reason_of(status)}, {"message", message}};
  if (!hint.empty()) body["hint"] = hint;
  res.status = status;
  res.set_content(api::document("Status", body).dump() + "\n", "application/json");
}

// An error of the library's, with what a client needs to report it as the command would have
// locally: its exit code and detail (such as the manifest lines around a mistake).
void reply_error(httplib::Response& res, int status, const Error& e) {
  json body = {{"code", status}, {"reason", reason_of(status)}, {"message", e.what()},
               {"exitCode", static_cast<int>(e.code())}};
  if (!e.hint().empty()) body["hint"] = e.hint();
  if (!e.detail().empty()) body["detail"] = e.detail();
  res.status = status;
  res.set_content(api::document("Status", body).dump() + "\n", "application/json");
}

void reply(httplib::Response& res, const json& doc, int status) {
  res.status = status;
  res.set_content(doc.dump() + "\n", "application/json");
}

std::optional<json> json_body(const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) {
    reply_error(res, 400, "expected a JSON object as the request body");
    return std::nullopt;
  }
  return body;
}

namespace {

int status_of(Exit code) {
  switch (code) {
    case Exit::usage: return 400;
    case Exit::not_found: return 404;
    case Exit::permission: return 403;
    case Exit::integrity: return 500;
    default: return 500;
  }
}

// The client certificate's holder, when there is one and the handshake verified it (a failed
// verification never gets this far: the handshake is refused).
std::optional<Caller> certificate_caller(const httplib::Request& req) {
  if (!req.ssl || SSL_get_verify_result(req.ssl) != X509_V_OK) return std::nullopt;
  std::unique_ptr<X509, decltype(&X509_free)> peer(SSL_get1_peer_certificate(req.ssl), X509_free);
  if (!peer) return std::nullopt;
  auto info = net::inspect_certificate(peer.get());
  if (info.subject_ou == "admin") return Caller{info.subject_cn, auth::Role::admin, "certificate", false, info.sha256};
  if (info.subject_ou == "agent") return Caller{info.subject_cn, auth::Role::operator_, "certificate", true, info.sha256};
  return std::nullopt;
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

}  // namespace

std::pair<std::string, int> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw Error(Exit::usage, "invalid --listen '" + text + "'", "use HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443");
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int p = -1;
  if (!port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos) p = std::stoi(port);
  if (p < 0 || p > 65535)
    throw Error(Exit::usage, "invalid port in --listen '" + text + "'", "a number from 0 (any free port) to 65535");
  return {host, p};
}

httplib::Server::Handler Server::Impl::guarded(auth::Role need, Handler handler, bool hold_store) {
  return [this, need, handler, hold_store](const httplib::Request& req, httplib::Response& res) {
    try {
      std::optional<Caller> caller = certificate_caller(req);
      std::unique_lock<std::mutex> lock(store_mutex);
      if (!caller) {
        std::string header = req.get_header_value("Authorization");
        if (header.rfind("Bearer ", 0) == 0) {
          auto token = auth::authenticate(store->catalog(), header.substr(7), clock.now_ms());
          if (token) caller = Caller{token->name, token->role, "token", false, ""};
        }
        if (!caller) {
          res.set_header("WWW-Authenticate", "Bearer realm=\"mlops\"");
          return reply_error(res, 401,
                             header.empty() ? "no credentials: send a bearer token or a client certificate"
                                            : "the bearer token is not valid (unknown, expired or revoked)",
                             "make one with 'mlops token create --role ROLE'");
        }
      }
      if (caller->agent) {
        // The CA vouches for the certificate; the catalog says whether it is still this agent's.
        store::Stmt s(store->catalog().handle(), "SELECT certificate_sha256, revoked_ms FROM agents WHERE name = ?");
        s.bind(1, caller->name);
        bool known = s.step() && s.text(0) == caller->certificate_sha256;
        if (!known || !s.is_null(1))
          return reply_error(res, 401,
                             "the certificate of agent '" + caller->name + "' is " + (known ? "revoked" : "not one this server issued"),
                             "join again with 'mlops agent join'");
      }
      if (!auth::allows(caller->role, need))
        return reply_error(res, 403,
                           caller->via + " '" + caller->name + "' has role " + auth::role_name(caller->role) +
                               "; this needs " + auth::role_name(need));
      if (!hold_store) lock.unlock();
      handler(req, res, *caller, *store);
    } catch (const Error& e) {
      reply_error(res, status_of(e.code()), e);
    } catch (const std::exception& e) {
      reply_error(res, 500, e.what());
    }
  };
}

void Server::Impl::routes() {
  using auth::Role;
  http->Get("/api/v1/version", guarded(Role::viewer, [this](auto&, auto& res, auto&, auto&) {
    reply(res, api::document("Version", {{"version", o.version}, {"apiVersions", {"mlops/v1"}}}));
  }));
  http->Get("/api/v1/whoami", guarded(Role::viewer, [](auto&, auto& res, const Caller& c, auto&) {
    reply(res, api::document("Identity", {{"name", c.name}, {"role", auth::role_name(c.role)}, {"via", c.via},
                                          {"agent", c.agent}}));
  }));
  // Tokens, for admins: whoever holds one can make more, with any role.
  http->Post("/api/v1/tokens", guarded(Role::admin, [this](const httplib::Request& req, auto& res, const Caller& c,
                                                           store::Store& st) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || !body.contains("role") ||
        !body["role"].is_string())
      return reply_error(res, 400, "expected a JSON object with string fields name and role");
    auto issued = auth::create_token(st.catalog(), body["name"], auth::parse_role(body["role"]), 0, c.name,
                                     clock.now_ms());
    reply(res, api::document("Token", {{"name", issued.token.name}, {"role", auth::role_name(issued.token.role)},
                                       {"token", issued.secret}}),
          201);
  }));
  model_routes();
  agent_routes();
  approval_routes();
  run_routes();
  ion_routes();
  pipeline_routes();
  stats_routes();
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
  auto& o = impl_->o;
  if (o.plain_http && !is_loopback(o.host))
    throw Error(Exit::usage, "plain HTTP only on the loopback, not on '" + o.host + "'",
                "drop --insecure-http, or listen on 127.0.0.1");
  impl_->store = std::make_unique<store::Store>(o.store_root, store::Store::Open::create);
  // One long-lived connection takes every agent's stats: a page cache that holds the hot end of
  // the stats table and its index spares most of the reads an insert would do.
  impl_->store->catalog().exec("PRAGMA cache_size=-65536");
  if (o.plain_http) {
    impl_->http = std::make_unique<httplib::Server>();
  } else {
    for (const char* f : {"/ca.crt", "/ca.key", "/server.crt", "/server.key"})
      if (!util::path_exists(o.tls_dir + f))
        throw Error(Exit::not_found, "no '" + o.tls_dir + f + "'", "make the certificates with 'mlops certs init'");
    std::string dir = o.tls_dir, why;
    auto http = std::make_unique<httplib::SSLServer>([dir, &why](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      if (SSL_CTX_use_certificate_chain_file(&ctx, (dir + "/server.crt").c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(&ctx, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_check_private_key(&ctx) != 1) {
        why = "'" + dir + "/server.crt' and 'server.key' are not a certificate and its key";
        return false;
      }
      if (SSL_CTX_load_verify_locations(&ctx, (dir + "/ca.crt").c_str(), nullptr) != 1) {
        why = "'" + dir + "/ca.crt' is not a CA certificate";
        return false;
      }
      // Ask for a client certificate, do not require one (tokens need none); one that does not
      // verify against the CA fails the handshake.
      SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file((dir + "/ca.crt").c_str()));
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      return true;
    });
    if (!http->is_valid()) throw Error(Exit::usage, "cannot set up TLS: " + (why.empty() ? "OpenSSL refused" : why));
    impl_->http = std::move(http);
  }
  auto& http = *impl_->http;
  http.set_payload_max_length(64 << 20);
  // A client may keep its connection between polls: a TLS handshake with a client certificate
  // costs far more than the poll it carries (agents open one per poll so far: see BENCHMARKS.md).
  http.set_keep_alive_max_count(10000);
  http.set_keep_alive_timeout(30);
  // A request is timed from routing to its logging, on the one thread that serves it.
  static thread_local std::chrono::steady_clock::time_point started;
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    started = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    impl_->latencies.observe(req.method, api::route_of(req.path), res.status,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (impl_->o.log) impl_->o.log(req.method + " " + req.path + " " + std::to_string(res.status));
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) reply_error(res, res.status, res.status == 404 ? "no such endpoint" : "request failed");
  });
  impl_->routes();
}

Server::~Server() = default;

void Server::run(const std::function<void(int port)>& on_listening) {
  auto& o = impl_->o;
  int port = o.port;
  {
    // stop() takes this lock too: whatever it closes was made before, as far as any thread knows.
    std::lock_guard<std::mutex> lock(impl_->run_mutex);
    if (impl_->stopped) return;
    if (port == 0) port = impl_->http->bind_to_any_port(o.host);
    else if (!impl_->http->bind_to_port(o.host, port)) port = -1;
    if (port <= 0)
      throw Error(Exit::error, "cannot listen on " + o.host + ":" + std::to_string(o.port),
                  "the address is in use or not this machine's");
    impl_->bound = true;
  }
  on_listening(port);
  // Housekeeping beside the requests: webhooks once a second (a post never holds the store), old
  // stat points pruned once an hour.
  std::thread hooks([this] {
    auto with_store = [this](const std::function<void(store::Store&)>& f) {
      std::lock_guard<std::mutex> lock(impl_->store_mutex);
      f(*impl_->store);
    };
    int64_t pruned_ms = 0;
    while (!impl_->finished) {
      try {
        runtime::webhook_round(with_store, impl_->o.webhooks, impl_->clock.now_ms(), impl_->o.warn);
        int64_t now = impl_->clock.now_ms();
        if (impl_->o.stats_retention_ms && now - pruned_ms >= 3600000) {
          pruned_ms = now;
          with_store([&](store::Store& st) { stats::prune(st, now - impl_->o.stats_retention_ms); });
        }
      } catch (const std::exception& e) {
        if (impl_->o.warn) impl_->o.warn(std::string("housekeeping: ") + e.what());
      }
      for (int i = 0; i < 20 && !impl_->finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  impl_->http->listen_after_bind();
  impl_->finished = true;
  hooks.join();
}

void Server::stop() {
  std::lock_guard<std::mutex> lock(impl_->run_mutex);
  impl_->stopped = true;
  if (!impl_->bound) return;  // run() sees `stopped` and never listens
  // httplib ignores a stop before its loop runs: wait for the loop (or its end) first.
  while (!impl_->http->is_running() && !impl_->finished) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  impl_->http->stop();
}

}  // namespace mlops::server
