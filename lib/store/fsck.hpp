// Consistency check of a whole store: the catalog's own integrity, every blob re-hashed, every
// version's blobs (and, for directories, every file of its tree) present and intact.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace mlops::store {

struct FsckProblem {
  std::string problem;  // "corrupt", "missing", "malformed", "catalog"
  std::string digest;   // hex, when about a blob
  std::string detail;
  std::vector<std::string> used_by;  // "NAME:VERSION"
};

struct FsckReport {
  size_t blobs = 0;
  uint64_t bytes = 0;
  size_t versions = 0;
  size_t temp_files = 0;  // left by interrupted writes; harmless, removed by gc
  std::vector<FsckProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Hashes blobs on `threads` threads.
FsckReport fsck(Store& store, unsigned threads);

}  // namespace mlops::store
