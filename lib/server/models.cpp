// Models and their bytes. Blobs are addressed by digest: HEAD says whether the server has one, GET
// streams it (with Range, so an interrupted download resumes). Uploads resume too, in the manner
// of the tus protocol: HEAD /uploads/sha256:HEX says how many bytes the server holds, each PATCH
// appends at the Upload-Offset it names, and the last one (Upload-Length reached) is verified
// against the digest before the blob becomes visible. A version is recorded only when every blob
// it names is here.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/documents.hpp"
#include "api/resources.hpp"
#include "server/internal.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace mlops::server {

using nlohmann::json;

std::vector<std::string> missing_blobs(store::Store& st, const store::ModelVersion& v) {
  if (!st.blobs().has(v.digest)) return {v.digest};
  std::vector<std::string> missing;
  if (std::string baseline = store::baseline_of(v); !baseline.empty() && !st.blobs().has(baseline))
    missing.push_back(baseline);
  if (v.type == "directory")
    for (const auto& e : st.read_tree(v.digest).entries)
      if (!e.is_dir && !st.blobs().has(e.digest)) missing.push_back(e.digest);
  return missing;
}

void reply_missing(httplib::Response& res, const std::string& message, const std::vector<std::string>& missing,
                   std::optional<int64_t> acked) {
  json list = json::array();
  for (const auto& m : missing) list.push_back("sha256:" + m);
  json body = {{"code", 409}, {"reason", "Conflict"},
               {"message", message + ": " + std::to_string(missing.size()) + " missing"}, {"missing", list}};
  if (acked) body["acked"] = *acked;
  res.status = 409;
  res.set_content(api::document("Status", body).dump() + "\n", "application/json");
}

namespace {

std::optional<uint64_t> header_number(const httplib::Request& req, const std::string& name) {
  std::string v = req.get_header_value(name);
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(v);
}

}  // namespace

void Server::Impl::model_routes() {
  using auth::Role;
  http->Get("/api/v1/models", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    store::ListFilter filter;
    filter.name = req.get_param_value("name");
    for (size_t i = 0; i < req.get_param_value_count("label"); ++i) {
      std::string kv = req.get_param_value("label", i);
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return reply_error(res, 400, "invalid label '" + kv + "': expected KEY=VALUE");
      filter.labels.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    json items = json::array();
    for (const auto& v : st.registry().list(filter)) items.push_back(api::model_version(v));
    reply(res, api::document("ModelVersionList", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/models/([^/]+))", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    auto v = st.registry().resolve(store::parse_model_ref(req.matches[1]));
    auto body = api::model_version(v);
    if (v.type == "directory") body["tree"] = api::model_tree(st.read_tree(v.digest));
    reply(res, api::document("ModelVersion", body));
  }));
  http->Delete(R"(/api/v1/models/([^/]+))", guarded(Role::operator_, [this](const httplib::Request& req, httplib::Response& res,
                                                                          const Caller& c, store::Store& st) {
    json items = json::array();
    for (const auto& v : st.registry().remove(store::parse_model_ref(req.matches[1]), c.name, clock.now_ms()))
      items.push_back(api::model_version(v));
    reply(res, api::document("ModelDeletion", {{"items", items}}));
  }));
  http->Get(R"(/api/v1/models/([^/:@]+)/history)", guarded(Role::viewer, [](const httplib::Request& req, httplib::Response& res,
                                                                           const Caller&, store::Store& st) {
    std::string name = req.matches[1];
    store::validate_model_name(name);
    json items = json::array();
    for (const auto& e : st.registry().history(name)) items.push_back(api::model_event(e));
    reply(res, api::document("ModelEventList", {{"items", items}}));
  }));
  // Moves ALIAS to the version `ref` names (a reference to the same model).
  http->Put(R"(/api/v1/models/([^/:@]+)/aliases/([^/]+))", guarded(Role::operator_, [this](const httplib::Request& req,
                                                                                          httplib::Response& res,
                                                                                          const Caller& c,
                                                                                          store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    std::string name = req.matches[1], alias = req.matches[2];
    auto ref = store::parse_model_ref(body->contains("ref") && body->at("ref").is_string() ? body->at("ref").get<std::string>()
                                                                                         : name);
    if (ref.name != name) return reply_error(res, 400, "ref '" + ref.text + "' is not a version of model '" + name + "'");
    store::validate_alias(alias);
    auto move = st.registry().set_alias(ref, alias, c.name, clock.now_ms());
    reply(res, api::document("ModelAlias", {{"name", name}, {"alias", alias}, {"version", move.to_version},
                                            {"previousVersion", move.from_version ? json(*move.from_version) : json()}}));
  }));
  // A new version of a model whose blobs were uploaded first; 409 lists the ones still missing.
  http->Post(R"(/api/v1/models/([^/:]+)/versions)", guarded(Role::operator_, [this](const httplib::Request& req, auto& res,
                                                                                   const Caller& c, store::Store& st) {
    auto body = json_body(req, res);
    if (!body) return;
    (*body)["name"] = req.matches[1].str();
    if (!body->contains("version")) (*body)["version"] = 0;
    if (!body->contains("aliases")) (*body)["aliases"] = json::array();
    if (!body->contains("createdAt")) (*body)["createdAt"] = util::format_rfc3339(clock.now_ms());
    (*body)["createdBy"] = c.name;
    store::ModelVersion v;
    try {
      v = api::model_version_from(*body);
    } catch (const util::Error& e) {
      return reply_error(res, 400, e.what());
    }
    if (!util::is_sha256_hex(v.digest)) return reply_error(res, 400, "invalid digest 'sha256:" + v.digest + "'");
    if (v.type != "file" && v.type != "directory") return reply_error(res, 400, "invalid type '" + v.type + "': file or directory");
    auto missing = missing_blobs(st, v);
    if (!missing.empty()) return reply_missing(res, "upload the version's blobs first", missing);
    v.created_ms = clock.now_ms();
    auto added = st.registry().add_version(v);
    reply(res, api::document("ModelVersion", api::model_version(added)), 201);
  }));

  auto blob = [this](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    std::string hex = req.matches[1];
    if (!util::is_sha256_hex(hex)) return reply_error(res, 400, "invalid digest 'sha256:" + hex + "'");
    std::string path = st.blobs().path_of(hex);
    struct stat info {};
    if (!st.blobs().has(hex) || ::stat(path.c_str(), &info) != 0) return reply_error(res, 404, "no blob sha256:" + hex);
    res.set_header("Digest", "sha-256=" + hex);
    res.set_header("ETag", "\"sha256:" + hex + "\"");
    auto size = static_cast<size_t>(info.st_size);
    // Streamed from the file; httplib answers Range requests through the same provider.
    // What was sent is counted and logged (with -v) when the response ends, however it ends: the
    // bytes a transfer really cost, resumed or not.
    auto sent = std::make_shared<uint64_t>(0);
    auto log = o.log;
    res.set_content_provider(
        size, "application/octet-stream",
        [path, sent](size_t offset, size_t length, httplib::DataSink& sink) {
          util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
          if (fd.get() < 0) return false;
          std::string buf(std::min<size_t>(length, 1 << 20), '\0');
          while (length > 0) {
            ssize_t n = ::pread(fd.get(), buf.data(), std::min(length, buf.size()), static_cast<off_t>(offset));
            if (n <= 0) return false;
            if (!sink.write(buf.data(), static_cast<size_t>(n))) return false;
            *sent += static_cast<uint64_t>(n);
            offset += static_cast<size_t>(n);
            length -= static_cast<size_t>(n);
          }
          return true;
        },
        [hex, sent, log](bool success) {
          if (log)
            log("blob sha256:" + hex + ": " + std::to_string(*sent) + " bytes sent" + (success ? "" : " (interrupted)"));
        });
  };
  http->Get(R"(/api/v1/blobs/sha256:([0-9a-zA-Z]+))", guarded(Role::viewer, blob));

  auto part_of = [this](const std::string& hex) { return o.store_root + "/uploads/" + hex + ".part"; };
  http->Get(R"(/api/v1/uploads/sha256:([0-9a-zA-Z]+))", guarded(Role::operator_, [part_of](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    std::string hex = req.matches[1];
    if (!util::is_sha256_hex(hex)) return reply_error(res, 400, "invalid digest 'sha256:" + hex + "'");
    bool complete = st.blobs().has(hex);
    uint64_t offset = complete ? util::size_or_zero(st.blobs().path_of(hex)) : util::size_or_zero(part_of(hex));
    res.set_header("Upload-Offset", std::to_string(offset));
    res.set_header("Cache-Control", "no-store");
    reply(res, api::document("Upload", {{"digest", "sha256:" + hex}, {"offset", offset}, {"complete", complete}}));
  }));
  http->Patch(R"(/api/v1/uploads/sha256:([0-9a-zA-Z]+))", guarded(Role::operator_, [this, part_of](const httplib::Request& req, httplib::Response& res, const Caller&, store::Store& st) {
    std::string hex = req.matches[1];
    if (!util::is_sha256_hex(hex)) return reply_error(res, 400, "invalid digest 'sha256:" + hex + "'");
    auto offset = header_number(req, "Upload-Offset"), length = header_number(req, "Upload-Length");
    if (!offset || !length) return reply_error(res, 400, "an upload needs the headers Upload-Offset and Upload-Length (bytes)");
    if (st.blobs().has(hex)) {
      res.set_header("Upload-Offset", std::to_string(*length));
      return reply(res, api::document("Upload", {{"digest", "sha256:" + hex}, {"offset", *length}, {"complete", true}}), 201);
    }
    std::string part = part_of(hex);
    util::make_dirs(util::dirname_of(part));
    uint64_t have = util::size_or_zero(part);
    if (*offset != have || have + req.body.size() > *length) {
      res.set_header("Upload-Offset", std::to_string(have));
      return reply_error(res, 409, "the server holds " + std::to_string(have) + " bytes of sha256:" + hex + ", not " +
                                       std::to_string(*offset), "resume from the offset HEAD gives");
    }
    {
      util::Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
      if (fd.get() < 0) throw util::Error(util::Exit::error, "cannot write '" + part + "'");
      util::write_all(fd.get(), req.body.data(), req.body.size(), part);
      util::fsync_fd(fd.get(), part);
    }
    have += req.body.size();
    res.set_header("Upload-Offset", std::to_string(have));
    if (have < *length)
      return reply(res, api::document("Upload", {{"digest", "sha256:" + hex}, {"offset", have}, {"complete", false}}));
    // Complete: the digest decides whether it becomes the blob.
    util::Fd held = st.lock(false);  // gc never removes a blob on its way in
    util::Fd fd = util::open_read(part);
    auto staged = st.blobs().stage_fd(fd.get(), part);
    ::unlink(part.c_str());
    if (staged.info.hex != hex)
      return reply_error(res, 400, "upload of sha256:" + hex + " does not match its digest (received sha256:" +
                                       staged.info.hex + ")", "the upload was discarded: send it again");
    st.blobs().publish(staged);
    reply(res, api::document("Upload", {{"digest", "sha256:" + hex}, {"offset", have}, {"complete", true}}), 201);
  }));
}

}  // namespace mlops::server
