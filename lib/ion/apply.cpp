#include "ion/apply.hpp"

#include "pipeline/registry.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::ion {

void add_ion_file(ApplyInputs& inputs, const std::string& name, const std::string& text) {
  for (const auto& doc : manifest::parse_documents({name, text})) {
    if (doc.has("kind") && doc.at("kind").is_scalar() && doc.at("kind").as_string() == "Pipeline")
      doc.at("kind").fail("a Pipeline cannot be applied from a file", "upload its directory: 'mlops pipeline upload DIR'");
    inputs.items.push_back({parse_ion(doc), text, name});
  }
}

void add_pipeline_dir(ApplyInputs& inputs, const std::string& dir) {
  std::string manifest_path = dir + "/pipeline.yaml";
  add_pipeline(inputs, pipeline::parse_pipeline({manifest_path, util::read_file(manifest_path)}), dir);
}

void add_pipeline(ApplyInputs& inputs, pipeline::PipelineManifest m, const std::string& dir) {
  if (inputs.pending.count(m.name))
    throw util::Error(util::Exit::usage, "pipeline '" + m.name + "' is defined twice, in '" +
                                             inputs.pending_dirs[m.name] + "' and '" + dir + "'");
  inputs.pending_dirs[m.name] = dir;
  inputs.pending.emplace(m.name, std::move(m));
}

std::vector<Applied> apply_inputs(store::Store& store, const ApplyInputs& inputs, const std::string& actor,
                                  int64_t now_ms, const std::string& cause, bool dry_run) {
  check_once_each(inputs.items);  // before any pipeline is uploaded: a bad set uploads nothing
  for (const auto& item : inputs.items) check_references(store, item.ion, inputs.pending);
  std::vector<Applied> out;
  for (const auto& [name, dir] : inputs.pending_dirs) {
    Applied a{"Pipeline", name, "uploaded", 0};
    if (!dry_run) {
      auto r = pipeline::upload_pipeline(store, dir, actor, now_ms);
      a.outcome = r.unchanged ? "unchanged" : "uploaded";
      a.number = r.version.version;
    }
    out.push_back(a);
  }
  for (const auto& r : apply_ions(store, inputs.items, actor, now_ms, cause, dry_run))
    out.push_back({"ION", r.name, r.outcome, r.revision});
  return out;
}

}  // namespace mlops::ion
