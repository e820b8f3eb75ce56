#include "net/http.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <cctype>
#include <memory>

#include "util/error.hpp"

namespace mlops::net {

namespace {

struct Receiving {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
};

size_t receive(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Receiving*>(user);
  long status = 0;
  curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
  if (r->request->sink && status >= 200 && status < 300)
    return r->request->sink(data, size * count) ? size * count : 0;
  r->response->body.append(data, size * count);
  return size * count;
}

size_t header_line(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto begin = value.find_first_not_of(" \t"), end = value.find_last_not_of(" \t\r\n");
    (*static_cast<std::map<std::string, std::string>*>(out))[name] =
        begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
  }
  return size * count;
}

int small_receive_buffer(void*, curl_socket_t fd, curlsocktype purpose) {
  if (purpose == CURLSOCKTYPE_IPCXN) {
    int bytes = 64 << 10;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  return CURL_SOCKOPT_OK;
}

// curl_global_init is not thread-safe: do it once, before any thread asks.
struct Global {
  Global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

// The answer, or curl's reason for having none.
std::optional<HttpResponse> perform(const HttpRequest& r, std::string& why) {
  static Global global;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    why = "cannot start libcurl";
    return std::nullopt;
  }
  CURL* c = curl.get();
  HttpResponse out;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  Receiving receiving{c, &r, &out};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, receive);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &receiving);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_line);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
  if (r.max_send_rate > 0) curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(r.max_send_rate));
  if (r.max_receive_rate > 0) {
    curl_easy_setopt(c, CURLOPT_MAX_RECV_SPEED_LARGE, static_cast<curl_off_t>(r.max_receive_rate));
    // A small receive window makes the limit hold on the link too, instead of the kernel taking
    // megabytes ahead of what the transfer lets through (bytes a kill would throw away).
    curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, small_receive_buffer);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 16384L);
  }
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r.timeout_ms > 0 ? r.timeout_ms : 10000L);
  if (r.timeout_ms == 0) {
    // A transfer may take as long as it needs, but not stall.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
  }
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
  if (!r.proxy) curl_easy_setopt(c, CURLOPT_PROXY, "");
  if (r.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  else if (r.method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  for (const auto& h : r.headers) headers.reset(curl_slist_append(headers.release(), h.c_str()));
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (!r.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
  if (!r.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, r.cert_file.c_str());
  if (!r.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, r.key_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    why = error[0] ? error : curl_easy_strerror(rc);
    return std::nullopt;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
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
