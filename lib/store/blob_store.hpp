// Content-addressed blobs under <store>/blobs/sha256/<2 hex>/<62 hex>. A blob appears under its
// name only after its bytes are fsynced, so a crash leaves either the whole blob or none of it; a
// stray temporary file in <store>/tmp is invisible to readers and removed by gc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/fs.hpp"

namespace mlops::store {

struct BlobInfo {
  std::string hex;
  uint64_t size = 0;
};

// A blob whose bytes are written and fsynced under a temporary name but not yet visible. Dropped
// unpublished, it is removed: a push that fails half-way leaves the store as it was.
struct StagedBlob {
  BlobInfo info;
  std::unique_ptr<util::TempFile> file;  // null when the store already had this content
};

class BlobStore {
 public:
  explicit BlobStore(std::string root);

  // Creates the blob and temp directories (idempotent, durable).
  void init() const;
  std::string path_of(const std::string& hex) const;
  std::string tmp_dir() const { return root_ + "/tmp"; }
  bool has(const std::string& hex) const;

  // Stores everything read from `fd`; the digest covers exactly the bytes stored.
  BlobInfo put_fd(int fd, const std::string& source_name) const;
  StagedBlob stage_fd(int fd, const std::string& source_name) const;
  void publish(StagedBlob& staged) const;
  BlobInfo put_bytes(std::string_view data) const;

  // The bytes of a small blob, verified against its digest.
  std::string read_verified(const std::string& hex) const;
  // Copies a blob to `dest` (atomically, through a temporary file beside it) and verifies it on the
  // way; a mismatch leaves `dest` untouched and throws an integrity error.
  void export_to(const std::string& hex, const std::string& dest, mode_t mode) const;
  // The digest of what is actually stored under `hex`.
  std::string rehash(const std::string& hex) const;
  void remove(const std::string& hex) const;
  // Visits every blob name (and size) in the store, in no particular order.
  void for_each(const std::function<void(const BlobInfo&)>& visit) const;

 private:
  util::Fd open_blob(const std::string& hex) const;  // missing: an integrity error
  std::string root_;
};

[[noreturn]] void throw_missing_blob(const std::string& hex);
[[noreturn]] void throw_corrupt_blob(const std::string& hex, const std::string& actual);

}  // namespace mlops::store
