#include "store/blob_store.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

TEST_CASE("blobs are named by digest under a two-hex fan-out and deduplicated") {
  mlops::testing::TempDir dir;
  BlobStore blobs(dir.path());
  blobs.init();
  auto a = blobs.put_bytes("hello");
  CHECK(a.hex == mlops::util::sha256_hex("hello"));
  CHECK(blobs.path_of(a.hex) == dir.path() + "/blobs/sha256/" + a.hex.substr(0, 2) + "/" + a.hex.substr(2));
  CHECK(blobs.has(a.hex));
  blobs.put_bytes("hello");
  size_t count = 0;
  blobs.for_each([&](const BlobInfo& b) {
    ++count;
    CHECK(b.size == 5);
  });
  CHECK(count == 1);
  CHECK(blobs.read_verified(a.hex) == "hello");
  CHECK(std::filesystem::is_empty(blobs.tmp_dir()));
}

TEST_CASE("reads verify the digest") {
  mlops::testing::TempDir dir;
  BlobStore blobs(dir.path());
  blobs.init();
  auto a = blobs.put_bytes("hello");
  std::filesystem::permissions(blobs.path_of(a.hex), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(blobs.path_of(a.hex)) << "jello";
  try {
    blobs.read_verified(a.hex);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::integrity);
    CHECK(std::string(e.what()) == "blob 'sha256:" + a.hex + "' is corrupt: its content hashes to 'sha256:" +
                                       mlops::util::sha256_hex("jello") + "'");
  }
  CHECK_THROWS_AS(blobs.export_to(a.hex, dir / "out", 0644), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  CHECK(blobs.rehash(a.hex) == mlops::util::sha256_hex("jello"));
  blobs.remove(a.hex);
  try {
    blobs.read_verified(a.hex);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "blob 'sha256:" + a.hex + "' is missing from the store");
  }
}

TEST_CASE("a staged blob dropped before publishing leaves nothing") {
  mlops::testing::TempDir dir;
  BlobStore blobs(dir.path());
  blobs.init();
  std::ofstream(dir / "src") << "staged";
  {
    auto fd = mlops::util::open_read(dir / "src");
    StagedBlob s = blobs.stage_fd(fd.get(), dir / "src");
    CHECK_FALSE(blobs.has(s.info.hex));
  }
  CHECK(std::filesystem::is_empty(blobs.tmp_dir()));
}
