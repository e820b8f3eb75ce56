// Pipeline bundles: a directory packed into a deterministic tar, and unpacked safely.
//
// Packing sorts entries by path and fixes everything a checkout or a machine could change (times,
// owners, user and group names, permission bits beyond "executable or not"), so the same content
// always gives the same bytes, and so the same digest, on any machine.
//
// Unpacking treats the archive as hostile: absolute paths, '..', links of any kind, devices and
// FIFOs are refused, and entry count and total size are capped, counting the bytes actually read.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/ignore.hpp"

namespace mlops::pipeline {

struct PackResult {
  std::string archive;  // tar bytes
  uint64_t files = 0;
  uint64_t bytes = 0;  // content bytes
};

// Packs `dir`, leaving out what `.mlopsignore` (if present) excludes. Symbolic links and special
// files are refused with an error naming them.
PackResult pack_directory(const std::string& dir);

struct ExtractLimits {
  uint64_t max_entries = 100000;
  uint64_t max_bytes = uint64_t{4} << 30;
};

// Unpacks `archive` into `dest`, which must not exist yet; it appears whole (one rename) or not at
// all. `name` identifies the archive in error messages.
void extract_archive(const std::string& archive, const std::string& dest, const std::string& name,
                     const ExtractLimits& limits = {});

}  // namespace mlops::pipeline
