#include "util/sha256.hpp"

#include <doctest/doctest.h>

using namespace mlops::util;

TEST_CASE("sha256 matches the FIPS 180-2 vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update("ab");
  h.update("c");
  CHECK(h.hex_final() == sha256_hex("abc"));
}

TEST_CASE("is_sha256_hex accepts exactly 64 lower-case hex digits") {
  CHECK(is_sha256_hex(std::string(64, 'a')));
  CHECK_FALSE(is_sha256_hex(std::string(63, 'a')));
  CHECK_FALSE(is_sha256_hex(std::string(64, 'A')));
  CHECK_FALSE(is_sha256_hex(std::string(63, 'a') + "g"));
}

TEST_CASE("HMAC-SHA256 matches RFC 4231's test case 2") {
  CHECK(mlops::util::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
