#include "net/http.hpp"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <thread>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::net {

namespace {

using Clock = std::chrono::steady_clock;

struct Url {
  std::string scheme, host, target;
  int port = 0;
};

// scheme://host[:port][/target], the host maybe an [IPv6] literal.
bool parse_url(const std::string& url, Url& u, std::string& why) {
  auto sep = url.find("://");
  if (sep == std::string::npos) return why = "not a URL", false;
  u.scheme = url.substr(0, sep);
  for (auto& ch : u.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (u.scheme != "http" && u.scheme != "https") return why = "only http:// and https:// URLs are supported", false;
  auto rest = url.substr(sep + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return why = "unclosed [ in the host", false;
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return why = "no host", false;
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
      return why = "bad port '" + port + "'", false;
    u.port = std::stoi(port);
  }
  return true;
}

bool listed_in_no_proxy(const std::string& host) {
  const char* list = std::getenv("no_proxy");
  if (!list) list = std::getenv("NO_PROXY");
  for (auto entry : util::split(list ? list : "", ',')) {
    entry.erase(0, entry.find_first_not_of(" ."));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (entry.empty()) continue;
    if (entry == "*" || entry == host) return true;
    if (host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.') return true;
  }
  return false;
}

// The proxy the environment names for a URL, read as curl reads it: https_proxy (or HTTPS_PROXY)
// for https, http_proxy for http, none for the hosts no_proxy lists (names, their subdomains, *).
// False with `why` empty: no proxy.
// http://user:password@host:port gives its credentials to `user`, `password`; errors never show them.
bool proxy_for(const Url& u, Url& proxy, std::string& user, std::string& password, std::string& why) {
  const char* value = u.scheme == "https" ? std::getenv("https_proxy") : std::getenv("http_proxy");
  if (!value && u.scheme == "https") value = std::getenv("HTTPS_PROXY");
  if (!value || !*value || listed_in_no_proxy(u.host)) return false;
  std::string url = value;
  if (url.find("://") == std::string::npos) url = "http://" + url;
  size_t authority = url.find("://") + 3, at = url.find('@', authority);
  if (at < url.find('/', authority)) {  // npos for either compares as the end
    std::string credentials = url.substr(authority, at - authority);
    auto colon = credentials.find(':');
    user = credentials.substr(0, colon);
    password = colon == std::string::npos ? "" : credentials.substr(colon + 1);
    url.erase(authority, at + 1 - authority);
  }
  if (url.compare(0, 7, "http://") != 0) return why = "the proxy " + url + " is not an http:// URL", false;
  if (!parse_url(url, proxy, why)) return why = "the proxy " + url + ": " + why, false;
  return true;
}

std::string reason(httplib::Error e, long verify_result) {
  switch (e) {
    case httplib::Error::Connection: return "cannot connect";
    case httplib::Error::ConnectionTimeout: return "connecting timed out";
    case httplib::Error::Read: return "the connection broke or timed out while reading";
    case httplib::Error::Write: return "the connection broke or timed out while sending";
    case httplib::Error::Canceled: return "the transfer was stopped";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load the CA or the client certificate";
    case httplib::Error::SSLServerVerification:
      return std::string("the server's certificate does not verify: ") +
             X509_verify_cert_error_string(verify_result);
    default: return httplib::to_string(e);
  }
}

// Sleeps as long as it takes for `bytes` since `start` to stay within `rate` bytes a second.
void keep_to_rate(Clock::time_point start, uint64_t bytes, int64_t rate) {
  if (rate <= 0) return;
  std::this_thread::sleep_until(start + std::chrono::microseconds(bytes * 1000000 / static_cast<uint64_t>(rate)));
}

// The answer, or the reason for having none.
std::optional<HttpResponse> perform(const HttpRequest& r, std::string& why) {
  Url u;
  if (!parse_url(r.url, u, why)) return std::nullopt;
  static const char* const methods[] = {"GET", "HEAD", "DELETE", "POST", "PUT", "PATCH"};
  if (std::find(std::begin(methods), std::end(methods), r.method) == std::end(methods))
    return why = "no " + r.method + " requests", std::nullopt;
  std::unique_ptr<httplib::ClientImpl> client;
  httplib::SSLClient* tls = nullptr;
  if (u.scheme == "https") {
    auto ssl = r.cert_file.empty() ? std::make_unique<httplib::SSLClient>(u.host, u.port)
                                   : std::make_unique<httplib::SSLClient>(u.host, u.port, r.cert_file, r.key_file);
    if (!ssl->is_valid()) {
      why = r.cert_file.empty() ? "cannot set up TLS"
                                : "cannot load the client certificate " + r.cert_file + " or its key " + r.key_file;
      return std::nullopt;
    }
    SSL_CTX_set_min_proto_version(ssl->ssl_context(), TLS1_2_VERSION);
    if (!r.ca_file.empty()) ssl->set_ca_cert_path(r.ca_file.c_str());
    ssl->enable_server_certificate_verification(true);
    tls = ssl.get();
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(u.host, u.port);
  }
  // Per read and write, not per request: a transfer (timeout 0) may take as long as it needs,
  // but not stall for 30 s; a bounded request also stops at its deadline (the receiver below).
  auto limit = std::chrono::milliseconds(r.timeout_ms > 0 ? r.timeout_ms : 30000);
  client->set_connection_timeout(std::chrono::milliseconds(r.timeout_ms > 0 ? r.timeout_ms : 10000));
  client->set_read_timeout(limit);
  client->set_write_timeout(limit);
  client->set_keep_alive(false);
  client->set_url_encode(false);  // paths come escaped
  std::string through;
  if (r.proxy) {
    Url proxy;
    std::string user, password;
    if (proxy_for(u, proxy, user, password, why)) {
      client->set_proxy(proxy.host, proxy.port);
      if (!user.empty()) client->set_proxy_basic_auth(user, password);
      through = " (through the proxy " + proxy.host + ":" + std::to_string(proxy.port) + ")";
    } else if (!why.empty()) {
      return std::nullopt;
    }
  }
  if (r.max_receive_rate > 0)
    // A small receive window makes the limit hold on the link too, instead of the kernel taking
    // megabytes ahead of what the transfer lets through (bytes a kill would throw away).
    client->set_socket_options([](int fd) {
      int bytes = 64 << 10;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    });

  httplib::Headers headers;
  std::string content_type;
  for (const auto& h : r.headers) {
    auto colon = h.find(':');
    std::string name = h.substr(0, colon), value = colon == std::string::npos ? "" : h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    std::string lower = name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == "content-type") content_type = value;
    else headers.emplace(name, value);
  }

  auto start = Clock::now();
  auto deadline = start + std::chrono::milliseconds(r.timeout_ms);
  HttpResponse out;
  long status = 0;
  uint64_t received = 0;
  auto on_response = [&](const httplib::Response& res) {
    status = res.status;
    return true;
  };
  auto on_data = [&](const char* data, size_t size) {
    if (r.timeout_ms > 0 && Clock::now() > deadline) return false;
    received += size;
    keep_to_rate(start, received, r.max_receive_rate);
    if (r.sink && status >= 200 && status < 300) return r.sink(data, size);
    out.body.append(data, size);
    return true;
  };
  // Bodies go in slices, so a send rate holds while they go.
  auto provide = [&](size_t offset, size_t length, httplib::DataSink& sink) {
    size_t n = std::min<size_t>(length, 16384);
    if (!sink.write(r.body.data() + offset, n)) return false;
    keep_to_rate(start, offset + n, r.max_send_rate);
    return true;
  };
  const auto& path = u.target;
  bool throttled = r.max_send_rate > 0 && !r.body.empty();
  auto res = [&] {
    if (r.method == "GET") return client->Get(path, headers, on_response, on_data);
    if (r.method == "HEAD") return client->Head(path, headers);
    if (r.method == "DELETE") return client->Delete(path, headers, r.body, content_type);
    if (r.method == "POST")
      return throttled ? client->Post(path, headers, r.body.size(), provide, content_type)
                       : client->Post(path, headers, r.body, content_type);
    if (r.method == "PUT")
      return throttled ? client->Put(path, headers, r.body.size(), provide, content_type)
                       : client->Put(path, headers, r.body, content_type);
    return throttled ? client->Patch(path, headers, r.body.size(), provide, content_type)
                     : client->Patch(path, headers, r.body, content_type);
  }();
  if (!res) {
    why = reason(res.error(), tls ? tls->get_openssl_verify_result() : 0);
    if (res.error() == httplib::Error::Canceled && r.timeout_ms > 0 && Clock::now() > deadline)
      why = "no complete answer within " + std::to_string(r.timeout_ms) + " ms";
    why += through;
    return std::nullopt;
  }
  out.status = res->status;
  for (const auto& [name, value] : res->headers) {
    std::string lower = name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[lower] = value;
  }
  if (r.method != "GET") out.body = std::move(res->body);
  return out;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse http_request(const HttpRequest& request) {
  std::string why;
  auto response = perform(request, why);
  if (!response)
    throw util::Error(util::Exit::error, "no answer from " + request.url + ": " + why,
                      "is the server running, and is its CA the one given?");
  return *response;
}

std::optional<std::string> http_get(const std::string& url, long timeout_ms) {
  HttpRequest r;
  r.url = url;
  r.timeout_ms = timeout_ms;
  r.proxy = false;  // loopback services, never through a proxy
  std::string why;
  auto response = perform(r, why);
  if (!response || response->status < 200 || response->status >= 300) return std::nullopt;
  return response->body;
}

}  // namespace mlops::net
