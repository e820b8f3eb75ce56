// SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA extensions where present.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace mlops::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Lower-case hex of the digest; the object cannot be updated afterwards.
  std::string hex_final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);

// True for exactly 64 lower-case hex characters.
bool is_sha256_hex(std::string_view text);

// HMAC-SHA256 of `data` under `key`, as lower-case hex (what webhook receivers check).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace mlops::util
