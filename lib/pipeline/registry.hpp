// Pipelines in the catalog: each upload of a directory is a deterministic tar blob, recorded as the
// next version of the pipeline its manifest names unless the digest equals the latest version's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/manifest.hpp"
#include "store/model_ref.hpp"
#include "store/store.hpp"

namespace mlops::pipeline {

struct PipelineVersion {
  std::string name;
  int64_t version = 0;
  std::string digest;
  std::string engine;
  uint64_t files = 0;
  uint64_t size = 0;  // content bytes
  nlohmann::json summary;  // description, produces/consumes, args and steps, for show
  int64_t created_ms = 0;
  std::string created_by;
};

struct UploadResult {
  PipelineVersion version;
  bool unchanged = false;
};

// Validates DIR/pipeline.yaml, packs DIR and records it.
UploadResult upload_pipeline(store::Store& store, const std::string& dir, const std::string& actor, int64_t now_ms);

// Records a version copied from another store under its own number; its bundle blob must be here.
// Already here with the same digest: nothing to do.
void import_pipeline(store::Store& store, const PipelineVersion& v);

std::vector<PipelineVersion> list_pipelines(store::Store& store, const std::string& name);
// NAME (latest), NAME:VERSION or sha256:HEX; aliases are for models only.
PipelineVersion resolve_pipeline(store::Store& store, const store::ModelRef& ref);
// Unpacks the version into `dest`, which must not exist yet.
void download_pipeline(store::Store& store, const PipelineVersion& v, const std::string& dest);
std::vector<PipelineVersion> delete_pipeline(store::Store& store, const store::ModelRef& ref);

nlohmann::json summarize(const PipelineManifest& m);

}  // namespace mlops::pipeline
