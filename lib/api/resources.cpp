#include "api/resources.hpp"

#include "util/error.hpp"
#include "util/time.hpp"

namespace mlops::api {

using nlohmann::json;

namespace {

int64_t time_ms(const json& j, const char* key) {
  auto ms = util::parse_rfc3339(j.at(key).get<std::string>());
  if (!ms) throw std::invalid_argument(std::string(key) + " is not an RFC 3339 time");
  return *ms;
}

std::string hex_of(const std::string& digest) { return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest; }

std::optional<int64_t> version_or_null(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<int64_t>();
}

template <typename F>
auto reading(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw util::Error(util::Exit::error, std::string("not ") + what + " this mlops can read: " + e.what());
  }
}

}  // namespace

json pipeline_version(const pipeline::PipelineVersion& v) {
  json body = {{"name", v.name},
               {"version", v.version},
               {"digest", "sha256:" + v.digest},
               {"engine", v.engine},
               {"files", v.files},
               {"size", v.size},
               {"createdAt", util::format_rfc3339(v.created_ms)},
               {"createdBy", v.created_by}};
  for (auto it = v.summary.begin(); it != v.summary.end(); ++it) body[it.key()] = it.value();
  return body;
}

pipeline::PipelineVersion pipeline_version_from(const json& j) {
  return reading("a pipeline version", [&] {
    pipeline::PipelineVersion v;
    v.name = j.at("name").get<std::string>();
    v.version = j.at("version").get<int64_t>();
    v.digest = hex_of(j.at("digest").get<std::string>());
    v.engine = j.at("engine").get<std::string>();
    v.files = j.at("files").get<uint64_t>();
    v.size = j.at("size").get<uint64_t>();
    v.created_ms = time_ms(j, "createdAt");
    v.created_by = j.at("createdBy").get<std::string>();
    v.summary = json::object();
    for (const char* k : {"description", "produces", "consumes", "labels", "args", "steps"})
      if (j.contains(k)) v.summary[k] = j.at(k);
    return v;
  });
}

json ion_revision(const ion::Revision& r) {
  json doc = r.spec;
  doc["status"] = {{"revision", r.revision}, {"appliedAt", util::format_rfc3339(r.applied_ms)},
                   {"appliedBy", r.applied_by}, {"cause", r.cause}, {"current", r.current},
                   {"source", r.source}, {"sourceName", r.source_name}};
  return doc;
}

ion::Revision ion_revision_from(const json& j) {
  return reading("an ION revision", [&] {
    const json& status = j.at("status");
    ion::Revision r = ion_history_entry_from(status, j.at("metadata").at("name").get<std::string>());
    r.spec = j;
    r.spec.erase("status");
    r.source = status.at("source").get<std::string>();
    r.source_name = status.at("sourceName").get<std::string>();
    return r;
  });
}

json ion_history_entry(const ion::Revision& r) {
  return {{"revision", r.revision}, {"appliedAt", util::format_rfc3339(r.applied_ms)}, {"appliedBy", r.applied_by},
          {"cause", r.cause}, {"current", r.current}};
}

ion::Revision ion_history_entry_from(const json& j, const std::string& name) {
  return reading("an ION revision", [&] {
    ion::Revision r;
    r.name = name;
    r.revision = j.at("revision").get<int64_t>();
    r.applied_ms = time_ms(j, "appliedAt");
    r.applied_by = j.at("appliedBy").get<std::string>();
    r.cause = j.at("cause").get<std::string>();
    r.current = j.at("current").get<bool>();
    return r;
  });
}

json applied(const ion::Applied& a) {
  return {{"kind", a.kind}, {"name", a.name}, {"outcome", a.outcome}, {a.kind == "ION" ? "revision" : "version", a.number}};
}

ion::Applied applied_from(const json& j) {
  return reading("an apply result", [&] {
    ion::Applied a;
    a.kind = j.at("kind").get<std::string>();
    a.name = j.at("name").get<std::string>();
    a.outcome = j.at("outcome").get<std::string>();
    a.number = j.at(a.kind == "ION" ? "revision" : "version").get<int64_t>();
    return a;
  });
}

json event(const runtime::Event& e) {
  return {{"time", util::format_rfc3339(e.at_ms)}, {"event", e.kind}, {"ion", e.ion}, {"node", e.node},
          {"model", e.model}, {"detail", e.detail}};
}

runtime::Event event_from(const json& j) {
  return reading("an event", [&] {
    return runtime::Event{time_ms(j, "time"), j.at("event").get<std::string>(), j.at("ion").get<std::string>(),
                          j.at("node").get<std::string>(), j.at("model").get<std::string>(),
                          j.at("detail").get<std::string>()};
  });
}

json model_event(const store::ModelEvent& e) {
  json item = {{"time", util::format_rfc3339(e.at_ms)}, {"actor", e.actor}, {"action", e.action}};
  if (!e.alias.empty()) item["alias"] = e.alias;
  item["fromVersion"] = e.from_version ? json(*e.from_version) : json();
  item["toVersion"] = e.to_version ? json(*e.to_version) : json();
  return item;
}

store::ModelEvent model_event_from(const json& j, const std::string& model) {
  return reading("a model event", [&] {
    store::ModelEvent e;
    e.at_ms = time_ms(j, "time");
    e.actor = j.at("actor").get<std::string>();
    e.model = model;
    e.action = j.at("action").get<std::string>();
    e.alias = j.value("alias", "");
    e.from_version = version_or_null(j, "fromVersion");
    e.to_version = version_or_null(j, "toVersion");
    return e;
  });
}

}  // namespace mlops::api
