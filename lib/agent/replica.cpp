#include "agent/replica.hpp"

#include <set>

#include "api/documents.hpp"
#include "api/resources.hpp"
#include "ion/registry.hpp"
#include "pipeline/registry.hpp"
#include "runtime/flow.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::agent {

using nlohmann::json;

namespace {

bool has_pipeline(store::Store& replica, const std::string& name, int64_t version) {
  try {
    for (const auto& v : pipeline::list_pipelines(replica, name))
      if (v.version == version) return true;
  } catch (const util::Error&) {
  }
  return false;
}

void ensure_pipeline(store::Store& replica, const json& p, Link& link) {
  auto v = api::pipeline_version_from(p);
  if (has_pipeline(replica, v.name, v.version)) return;
  link.download_blob(replica, v.digest);
  pipeline::import_pipeline(replica, v);
}

// The model of a delivery, fetched (tree first, then its files) and recorded; bytes fetched.
uint64_t ensure_model(store::Store& replica, const json& doc, Link& link) {
  auto v = api::model_version_from(doc);
  try {
    auto have = replica.registry().resolve(store::parse_model_ref(v.name + ":" + std::to_string(v.version)));
    if (have.digest == v.digest) return 0;
  } catch (const util::Error&) {
  }
  uint64_t fetched = link.download_blob(replica, v.digest);
  if (v.type == "directory")
    for (const auto& e : replica.read_tree(v.digest).entries)
      if (!e.is_dir) fetched += link.download_blob(replica, e.digest);
  if (std::string baseline = store::baseline_of(v); !baseline.empty()) fetched += link.download_blob(replica, baseline);
  v.aliases.clear();
  replica.registry().import_version(v);
  return fetched;
}

}  // namespace

void apply_assignment(store::Store& replica, const json& assignment, Link& link, const std::string& agent,
                      int64_t now_ms, const std::function<void(const std::string&)>& say) {
  std::set<std::string> assigned;
  for (const auto& ion : assignment.at("ions")) {
    std::string name = ion.at("name");
    assigned.insert(name);
    for (const auto& p : ion.at("pipelines")) ensure_pipeline(replica, p, link);
    std::string source = ion.at("source");
    bool current = false;
    try {
      current = ion::current_revision(replica, name).source == source;
    } catch (const util::Error&) {
    }
    if (!current) {
      ion::Revision r;
      r.name = name;
      r.revision = ion.at("revision");
      r.source = source;
      r.source_name = ion.at("sourceName");
      ion::ApplyItem item{ion::load_revision(r), source, r.source_name};
      ion::apply_ions(replica, {item}, "server", now_ms,
                      "assigned by " + link.server() + " (revision " + std::to_string(r.revision) + ")", false);
      std::string nodes;
      for (const auto& n : ion.at("nodes")) nodes += (nodes.empty() ? "" : ", ") + n.get<std::string>();
      say("ion/" + name + " revision " + std::to_string(r.revision) + " assigned (nodes " + nodes + ")");
    }
    for (const auto& d : ion.at("deliveries")) {
      std::string node = d.at("node");
      const json& model = d.at("model");
      std::string ref = model.at("name").get<std::string>() + ":" + std::to_string(model.at("version").get<int64_t>());
      if (runtime::delivered_model(replica, name, node) == ref) continue;
      uint64_t fetched = ensure_model(replica, model, link);
      runtime::record_flow(replica, {name, node, ref, "delivered", "delivered by " + link.server(), now_ms});
      say("model/" + ref + " delivered to " + name + "/" + node + " (" + util::human_bytes(fetched) + " fetched)");
    }
  }
  for (const auto& r : ion::list_ions(replica))
    if (!assigned.count(r.name)) {
      ion::delete_ion(replica, r.name);
      say("ion/" + r.name + " no longer assigned to " + agent);
    }
}

}  // namespace mlops::agent
