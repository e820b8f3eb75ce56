// mlops certs init [--dir DIR] [--host NAME]... [--days N]: the certificates a server needs, made
// once: a CA of this deployment's own, the server's certificate (for the names clients dial) and
// an admin client certificate. Keys are written 0600 and never printed; an existing CA is never
// replaced, since every agent certificate hangs off it.
#include <unistd.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "net/tls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct CertsOptions {
  std::string dir;
  std::vector<std::string> hosts;
  std::string days = "825";  // the longest browsers and Apple's TLS stack accept for a server certificate
};

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

int parse_days(const std::string& text) {
  size_t used = 0;
  int days = 0;
  try {
    days = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || days < 1 || days > 36500)
    throw util::Error(util::Exit::usage, "invalid --days '" + text + "'", "a whole number of days, 1 to 36500");
  return days;
}

int run(const CertsOptions& o, Env& env) {
  int days = parse_days(o.days);
  std::string dir = o.dir.empty() ? env.store_root() + "/tls" : o.dir;
  if (util::path_exists(dir + "/ca.crt"))
    throw util::Error(util::Exit::usage, "'" + dir + "/ca.crt' exists: this deployment has its CA already",
                      "certificates issued under it stay valid; to start over, move the directory away first");
  std::vector<std::string> hosts = o.hosts;
  if (hosts.empty()) {
    hosts = {"localhost", "127.0.0.1", "::1"};
    std::string self = host_name();
    if (!self.empty() && self != "localhost") hosts.push_back(self);
  }
  util::make_dirs(dir);
  auto ca = net::make_ca("mlops CA", days * 4);
  auto server = net::issue_certificate(ca, "mlops server", "server", hosts, days);
  auto admin = net::issue_certificate(ca, "admin", "admin", {}, days);
  // Keys first, then certificates, the CA's last: a run cut short leaves no ca.crt, so it can be repeated.
  for (auto [name, pair] : {std::pair{"server", &server}, std::pair{"admin", &admin}, std::pair{"ca", &ca}}) {
    util::write_file_atomically(dir + "/" + name + ".key", pair->key_pem, 0600);
    util::write_file_atomically(dir + "/" + name + ".crt", pair->cert_pem, 0644);
  }
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  for (auto [name, pair] : {std::pair{"ca", &ca}, std::pair{"server", &server}, std::pair{"admin", &admin}}) {
    auto info = net::inspect_certificate(pair->cert_pem);
    std::string path = dir + "/" + name + ".crt";
    nlohmann::json item = {{"name", name}, {"certificate", path}, {"key", dir + "/" + name + ".key"},
                           {"subject", info.subject_cn}, {"notAfter", util::format_rfc3339(info.not_after_ms)},
                           {"sha256", info.sha256}};
    if (std::string(name) == "server") item["hosts"] = hosts;
    items.push_back(item);
    names.push_back(std::string("certificate/") + name);
    lines.push_back(std::string("certificate/") + name + " created (" + path + ", until " +
                    util::format_rfc3339(info.not_after_ms).substr(0, 10) + ")");
  }
  print_result(env, document("Certificates", {{"directory", dir}, {"items", items}}), names, lines);
  return 0;
}

}  // namespace

Action setup_certs_init(Args& args) {
  auto o = std::make_shared<CertsOptions>();
  args.option("--dir", o->dir, "DIR", "where to write them (default: the store's tls directory)");
  args.option("--host", o->hosts, "NAME", "a name or address clients use for the server (repeatable; "
                                               "default: localhost, 127.0.0.1, ::1 and this host's name)");
  args.option("--days", o->days, "N", "how long the server and admin certificates last (the CA: four times that)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
