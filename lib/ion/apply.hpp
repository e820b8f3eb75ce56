// What 'ion apply' does, on a store or on a server for a client: ION files read into documents,
// and applied together with the pipelines that came with them (a directory's pipeline folders).
// Every reference is checked before anything is written, so a bad file uploads no pipeline either.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ion/registry.hpp"
#include "pipeline/manifest.hpp"
#include "store/store.hpp"

namespace mlops::ion {

struct ApplyInputs {
  std::vector<ApplyItem> items;
  std::map<std::string, pipeline::PipelineManifest> pending;  // pipelines that come with the IONs
  std::map<std::string, std::string> pending_dirs;             // pipeline name -> its directory
};

// Every ION document of one file (`name` is how errors refer to it); a Pipeline document is an
// error that says how to upload it instead.
void add_ion_file(ApplyInputs& inputs, const std::string& name, const std::string& text);

// A pipeline directory that comes with the IONs; a second one of the same name is an error.
void add_pipeline_dir(ApplyInputs& inputs, const std::string& dir);
// A pipeline's manifest alone, for checks: `dir` may stay empty when nothing will be uploaded.
void add_pipeline(ApplyInputs& inputs, pipeline::PipelineManifest m, const std::string& dir);

struct Applied {
  std::string kind;  // "Pipeline" or "ION"
  std::string name;
  std::string outcome;  // uploaded, unchanged; created, configured, unchanged
  int64_t number = 0;   // the pipeline's version (0 in a dry run) or the ION's revision
};

// Pipelines first, then every ION in one transaction. With dry_run, only the checks.
std::vector<Applied> apply_inputs(store::Store& store, const ApplyInputs& inputs, const std::string& actor,
                                  int64_t now_ms, const std::string& cause, bool dry_run);

}  // namespace mlops::ion
