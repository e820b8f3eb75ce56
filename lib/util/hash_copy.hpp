// Copy a stream while hashing it: the digest always describes exactly the bytes written, even if the
// source changes underneath us. Large inputs overlap reading+hashing (this thread) with writing (a
// second thread), so a push or pull uses both cores and costs about one SHA-256 pass.
#pragma once

#include <cstdint>
#include <string>

namespace mlops::util {

struct HashCopy {
  std::string hex;
  uint64_t size = 0;
};

// out_fd < 0 hashes only. Names are used in error messages.
HashCopy hash_copy(int in_fd, int out_fd, const std::string& in_name, const std::string& out_name);

}  // namespace mlops::util
