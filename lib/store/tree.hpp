// A directory model (Spark ML and TensorFlow save directories) is stored as a tree manifest: a
// canonical JSON blob listing every file's path, mode and blob digest, plus empty directories.
// Unchanged files are therefore stored once and shared between versions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/blob_store.hpp"

namespace mlops::store {

struct TreeEntry {
  std::string path;  // relative, '/'-separated, no '.' or '..' parts
  bool is_dir = false;
  uint32_t mode = 0644;  // permission bits only
  std::string digest;    // hex, files only
  uint64_t size = 0;
};

struct Tree {
  std::vector<TreeEntry> entries;  // depth first, names sorted: a directory precedes its contents

  uint64_t total_size() const;
  uint64_t file_count() const;
  // The canonical text: the same tree always serialises to the same bytes (and digest).
  std::string to_json() const;
  // Parses and validates a manifest; a malformed one is an integrity error.
  static Tree parse(std::string_view text, const std::string& digest);
};

// Stores every file under `dir` and returns the tree. Symbolic links, devices, sockets and FIFOs
// are refused: a model is data, and a link could point anywhere on the machine that pulls it.
Tree put_tree(const BlobStore& blobs, const std::string& dir);

// Recreates the tree inside the existing, empty directory `dest`, verifying every file.
void export_tree(const BlobStore& blobs, const Tree& tree, const std::string& dest);

}  // namespace mlops::store
