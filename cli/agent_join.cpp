// mlops agent join --server URL --token TOKEN --name NAME --ca FILE [--dir DIR]: this machine becomes
// an agent of a server. The key is made here and never leaves; the server signs a certificate for
// it under the deployment's CA, which the agent then uses for mutual TLS. --ca is the server's CA
// (ca.crt from 'certs init'), so the token is only ever sent to the real server.
#include <memory>

#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "cli/config.hpp"
#include "cli/output.hpp"
#include "net/http.hpp"
#include "net/tls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace {

struct JoinOptions {
  std::string server, token, name, ca, dir;
};

int run(const JoinOptions& o, Env& env) {
  std::string dir = o.dir.empty() ? util::dirname_of(config_path()) + "/agent" : o.dir;
  if (util::path_exists(dir + "/agent.crt"))
    throw util::Error(util::Exit::usage, "'" + dir + "/agent.crt' exists: this machine has joined already",
                      "to join again, move the directory away first");
  std::string ca = util::read_file(o.ca);  // a missing file fails here, before anything is sent
  net::inspect_certificate(ca);
  auto request = net::make_request(o.name);
  auto http = server_request(Context{o.name, o.server, o.ca, o.token, "", ""}, "/api/v1/agents/join");
  http.method = "POST";
  http.headers.push_back("Content-Type: application/json");
  http.body = nlohmann::json({{"name", o.name}, {"csr", request.cert_pem}}).dump();
  auto answer = net::http_request(http);
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (answer.status != 201) {
    std::string message = body.is_object() && body.contains("message") ? body["message"].get<std::string>()
                                                                       : "HTTP " + std::to_string(answer.status);
    util::Exit code = answer.status == 401 || answer.status == 403 ? util::Exit::permission : util::Exit::error;
    throw util::Error(code, "the server refused to let '" + o.name + "' join: " + message,
                      body.is_object() && body.contains("hint") ? body["hint"].get<std::string>() : "");
  }
  std::string cert = body.value("certificate", "");
  auto info = net::inspect_certificate(cert);
  util::make_dirs(dir);
  util::write_file_atomically(dir + "/agent.key", request.key_pem, 0600);
  util::write_file_atomically(dir + "/ca.crt", ca, 0644);
  util::write_file_atomically(dir + "/agent.crt", cert, 0644);
  print_result(env,
               document("AgentCredentials", {{"name", info.subject_cn}, {"directory", dir},
                                             {"notAfter", body.value("notAfter", "")}, {"sha256", info.sha256}}),
               {"agent/" + info.subject_cn},
               {"agent/" + info.subject_cn + " joined (" + dir + "/agent.crt, until " + body.value("notAfter", "").substr(0, 10) + ")"});
  return 0;
}

}  // namespace

Action setup_agent_join(Args& args) {
  auto o = std::make_shared<JoinOptions>();
  args.option("--server", o->server, "URL", "the server, e.g. https://mlops.example:8443", true);
  args.option("--token", o->token, "TOKEN", "a token with the operator role or above", true);
  args.option("--name", o->name, "NAME", "this agent's name (lower-case letters, digits, '-' and '.')", true);
  args.option("--ca", o->ca, "FILE", "the server's CA certificate (ca.crt from 'mlops certs init')", true);
  args.option("--dir", o->dir, "DIR", "where to keep the credentials (default $XDG_CONFIG_HOME/mlops/agent)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
