#include "util/hash_copy.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <random>

#include "../temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

using namespace mlops::util;

static std::string random_bytes(size_t n) {
  std::mt19937 rng(42);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

static std::string write_temp(const mlops::testing::TempDir& dir, const std::string& data) {
  std::string path = dir / "in";
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  write_all(fd.get(), data.data(), data.size(), path);
  return path;
}

TEST_CASE("hash_copy copies and hashes exactly, small and across many chunks") {
  mlops::testing::TempDir dir;
  for (size_t size : {size_t{0}, size_t{1}, size_t{4 << 20}, size_t{(4 << 20) + 1}, size_t{(17 << 20) + 12345}}) {
    CAPTURE(size);
    std::string data = random_bytes(size);
    std::string in = write_temp(dir, data);
    Fd src = open_read(in);
    std::string out = dir / "out";
    Fd dst(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    HashCopy r = hash_copy(src.get(), dst.get(), in, out);
    CHECK(r.size == size);
    CHECK(r.hex == sha256_hex(data));
    CHECK(read_file(out) == data);
  }
}

TEST_CASE("hash_copy reports a full disk as no_space, from either thread") {
  mlops::testing::TempDir dir;
  for (size_t size : {size_t{1000}, size_t{9 << 20}}) {
    std::string in = write_temp(dir, random_bytes(size));
    Fd src = open_read(in);
    Fd full(::open("/dev/full", O_WRONLY));
    REQUIRE(full.get() >= 0);
    try {
      hash_copy(src.get(), full.get(), in, "/dev/full");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::no_space);
      CHECK(std::string(e.what()) == "cannot write '/dev/full': no space left on device");
    }
  }
}
