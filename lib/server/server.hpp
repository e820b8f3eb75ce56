// The control plane: the store behind a versioned REST API under /api/v1, over TLS (cpp-httplib
// with OpenSSL, TLS 1.2 or newer). Agents authenticate with client certificates issued by the
// deployment's CA (mutual TLS); people and CI with bearer tokens that carry a role. A client
// certificate is asked for but not required, so a token alone is enough; one from another CA, or
// expired, fails the handshake. Plain HTTP only when asked for, and only on the loopback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/webhooks.hpp"
#include "store/store.hpp"

namespace mlops::server {

struct ServerOptions {
  std::string store_root;
  std::string host = "127.0.0.1";
  int port = 8443;          // 0: any free port (on_listening says which)
  std::string tls_dir;      // ca.crt, server.crt, server.key (see 'mlops certs init')
  bool plain_http = false;  // loopback only
  std::string version;      // this mlops, for /api/v1/version
  std::function<void(const std::string&)> log;  // one line per request
  // Where every ION's alerts and pending approvals are posted (each ION may add its own), and
  // what the server says about deliveries that fail (stderr).
  std::vector<runtime::WebhookTarget> webhooks;
  int64_t stats_retention_ms = 0;  // stat points older than this are pruned, hourly (0: kept)
  std::function<void(const std::string&)> warn;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (a clear error when the address is taken or the TLS files are wrong), calls
  // on_listening with the port, and serves until stop().
  void run(const std::function<void(int port)>& on_listening);
  void stop();  // from any thread

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The agents that joined the store's server, as /api/v1/agents lists them (`seen_ms`: polls not yet
// written to the catalog), and revoking one (false: no such agent, or revoked already).
nlohmann::json list_agents(store::Store& st, const std::map<std::string, int64_t>& seen_ms = {});
bool revoke_agent(store::Store& st, const std::string& name, int64_t now_ms);

// "HOST:PORT", "[V6]:PORT" or ":PORT" -> host and port; a usage error otherwise.
std::pair<std::string, int> parse_listen(const std::string& text);

}  // namespace mlops::server
