#include "agent/link.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::agent {

using nlohmann::json;

namespace {

constexpr uint64_t kUploadChunk = 4 << 20;

}  // namespace

std::string describe_answer(const std::string& what, const net::HttpResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  std::string message = body.is_object() && body.contains("message") && body["message"].is_string()
                            ? body["message"].get<std::string>()
                            : r.body.substr(0, 200);
  return what + ": " + std::to_string(r.status) + " " + message;
}

Link::Link(const AgentConfig& config)
    : Link(Endpoint{config.server, config.credentials + "/ca.crt", config.credentials + "/agent.crt",
                    config.credentials + "/agent.key", "", config.data_dir + "/downloads", config.max_rate}) {
  for (const auto& f : {e_.ca, e_.cert, e_.key})
    if (!util::path_exists(f))
      throw util::Error(util::Exit::not_found, "no '" + f + "'", "get the agent's credentials with 'mlops agent join'");
}

Link::Link(Endpoint endpoint) : e_(std::move(endpoint)) {
  while (!e_.server.empty() && e_.server.back() == '/') e_.server.pop_back();
}

net::HttpRequest Link::make(const std::string& method, const std::string& path) const {
  net::HttpRequest r;
  r.method = method;
  r.url = e_.server + path;
  r.ca_file = e_.ca;
  r.cert_file = e_.cert;
  r.key_file = e_.key;
  if (!e_.token.empty()) r.headers.push_back("Authorization: Bearer " + e_.token);
  return r;
}

net::HttpResponse Link::request(const std::string& method, const std::string& path, const std::string& body,
                                std::vector<std::string> headers) {
  auto r = make(method, path);
  r.body = body;
  r.headers.insert(r.headers.end(), headers.begin(), headers.end());
  if (!body.empty()) r.headers.push_back("Content-Type: application/json");
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  try {
    auto answer = net::http_request(r);
    latencies.observe(method, api::route_of(path), answer.status, seconds());
    return answer;
  } catch (...) {
    latencies.observe(method, api::route_of(path), 0, seconds());
    throw;
  }
}

json Link::call(const std::string& method, const std::string& path, const json& body) {
  auto r = request(method, path, body.is_null() ? "" : body.dump());
  if (r.status < 200 || r.status >= 300) {
    // The exit code a command would give for the same refusal made locally.
    util::Exit code = util::Exit::error;
    if (r.status == 400) code = util::Exit::usage;
    if (r.status == 404) code = util::Exit::not_found;
    if (r.status == 401 || r.status == 403) code = util::Exit::permission;
    throw util::Error(code, describe_answer(method + " " + path, r));
  }
  return json::parse(r.body);
}

uint64_t Link::download_blob(store::Store& store, const std::string& hex) {
  if (store.blobs().has(hex)) return 0;
  util::make_dirs(e_.partial_dir);
  std::string part = e_.partial_dir + "/" + hex + ".part";
  util::Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw util::Error(util::Exit::error, "cannot write '" + part + "'");
  uint64_t have = util::size_or_zero(part), fetched = 0;
  auto r = make("GET", "/api/v1/blobs/sha256:" + hex);
  r.timeout_ms = 0;
  r.max_receive_rate = e_.max_rate;
  if (have) r.headers.push_back("Range: bytes=" + std::to_string(have) + "-");
  // What arrives is appended and synced as it comes, so a kill loses at most the unsynced tail,
  // which the next attempt fetches again.
  r.sink = [&](const char* data, size_t size) {
    util::write_all(fd.get(), data, size, part);
    fetched += size;
    return true;
  };
  auto answer = net::http_request(r);
  if (answer.status == 416) {
    // More than the blob: the partial file is wrong; start again next time.
    ::unlink(part.c_str());
    throw util::Error(util::Exit::integrity, "partial download of sha256:" + hex + " was longer than the blob");
  }
  if (answer.status == 200 && have) {
    // The server sent the whole blob after the old bytes: drop the old part.
    ::unlink(part.c_str());
    throw util::Error(util::Exit::error, "server ignored the range of sha256:" + hex + "; fetching it again");
  }
  if (answer.status != 200 && answer.status != 206)
    throw util::Error(util::Exit::error, describe_answer("GET blob sha256:" + hex, answer));
  util::fsync_fd(fd.get(), part);
  util::Fd in = util::open_read(part);
  util::Fd held = store.lock(false);
  auto staged = store.blobs().stage_fd(in.get(), part);
  if (staged.info.hex != hex) {
    ::unlink(part.c_str());
    throw util::Error(util::Exit::integrity, "download of sha256:" + hex + " does not match its digest (got sha256:" +
                                                 staged.info.hex + "); discarded");
  }
  store.blobs().publish(staged);
  ::unlink(part.c_str());
  return fetched;
}

uint64_t Link::upload_blob(store::Store& store, const std::string& hex) {
  std::string path = store.blobs().path_of(hex);
  uint64_t size = util::size_or_zero(path), sent = 0;
  auto status = call("GET", "/api/v1/uploads/sha256:" + hex);
  if (status.value("complete", false)) return 0;
  uint64_t offset = status.value("offset", uint64_t{0});
  util::Fd fd = util::open_read(path);
  std::string chunk;
  for (;;) {
    chunk.resize(std::min<uint64_t>(kUploadChunk, size - offset));
    ssize_t n = chunk.empty() ? 0 : ::pread(fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0 || static_cast<size_t>(n) != chunk.size()) throw util::Error(util::Exit::error, "cannot read '" + path + "'");
    auto r = make("PATCH", "/api/v1/uploads/sha256:" + hex);
    r.body = chunk;
    r.timeout_ms = 0;
    r.max_send_rate = e_.max_rate;
    r.headers.insert(r.headers.end(), {"Content-Type: application/offset+octet-stream",
                                       "Upload-Offset: " + std::to_string(offset), "Upload-Length: " + std::to_string(size)});
    auto answer = net::http_request(r);
    if (answer.status == 409) {  // the server holds another amount: go on from there
      offset = std::stoull(answer.header("upload-offset").empty() ? "0" : answer.header("upload-offset"));
      continue;
    }
    if (answer.status < 200 || answer.status >= 300)
      throw util::Error(util::Exit::error, describe_answer("upload of sha256:" + hex, answer));
    sent += chunk.size();
    offset += chunk.size();
    if (answer.status == 201 || offset >= size) return sent;
  }
}

}  // namespace mlops::agent
