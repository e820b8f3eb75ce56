// Space: garbage collection by reachability from the catalog, and what the store uses on disk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace mlops::store {

struct GcReport {
  std::vector<BlobInfo> removed;  // or, on a dry run, what would be
  size_t temp_files = 0;
  uint64_t bytes = 0;  // freed, blobs and temporary files together
};

// Removes every blob no version reaches and every temporary file. Holds the store lock
// exclusively, so concurrent pushes wait rather than lose a blob.
GcReport gc(Store& store, bool dry_run);

struct ModelUsage {
  std::string name;
  size_t versions = 0;
  uint64_t logical = 0;  // sum of the versions' sizes, as pulled
  uint64_t stored = 0;   // distinct blob bytes the model's versions reach
};

struct DiskUsage {
  std::vector<ModelUsage> models;
  size_t blobs = 0;
  uint64_t blob_bytes = 0;
  uint64_t unreferenced_bytes = 0;
  uint64_t catalog_bytes = 0;
  uint64_t temp_bytes = 0;
};

DiskUsage disk_usage(Store& store);

}  // namespace mlops::store
