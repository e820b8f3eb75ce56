#include "store/tree.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

static void put(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

TEST_CASE("a tree serialises canonically and parses back") {
  Tree t;
  t.entries.push_back({"a", true, 0755, "", 0});
  t.entries.push_back({"a/b", false, 0644, std::string(64, 'c'), 3});
  std::string text = t.to_json();
  CHECK(text ==
        R"({"apiVersion":"mlops/v1","entries":[{"mode":493,"path":"a","type":"dir"},)"
        R"({"digest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","mode":420,"path":"a/b","size":3,"type":"file"}],"kind":"Tree"})");
  Tree back = Tree::parse(text, "x");
  CHECK(back.to_json() == text);
  CHECK(back.total_size() == 3);
  CHECK(back.file_count() == 1);
}

TEST_CASE("a manifest with an unsafe path is an integrity error") {
  for (const char* path : {"../etc/passwd", "/abs", "a/../../b", "a//b", ""}) {
    CAPTURE(path);
    std::string text = std::string(R"({"kind":"Tree","entries":[{"path":")") + path + R"(","type":"dir","mode":493}]})";
    try {
      Tree::parse(text, "d");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::integrity);
    }
  }
  CHECK_THROWS_AS(Tree::parse("not json", "d"), Error);
}

TEST_CASE("put_tree and export_tree round-trip contents, modes and empty directories") {
  mlops::testing::TempDir dir;
  BlobStore blobs(dir / "store");
  blobs.init();
  put(dir / "src/x/y.bin", "yyy");
  put(dir / "src/run.sh", "#!/bin/sh");
  ::chmod((dir / "src/run.sh").c_str(), 0755);
  std::filesystem::create_directories(dir / "src/empty");
  Tree t = put_tree(blobs, dir / "src");
  CHECK(t.file_count() == 2);
  std::filesystem::create_directories(dir / "out");
  export_tree(blobs, t, dir / "out");
  CHECK(mlops::util::read_file(dir / "out/x/y.bin") == "yyy");
  CHECK(std::filesystem::is_directory(dir / "out/empty"));
  struct stat st;
  REQUIRE(::stat((dir / "out/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  // The same content always gives the same manifest.
  CHECK(put_tree(blobs, dir / "src").to_json() == t.to_json());
}

TEST_CASE("put_tree refuses links before storing anything") {
  mlops::testing::TempDir dir;
  BlobStore blobs(dir / "store");
  blobs.init();
  put(dir / "src/a", "a");
  ::symlink("/etc/passwd", (dir / "src/z-link").c_str());
  CHECK_THROWS_AS(put_tree(blobs, dir / "src"), Error);
  size_t count = 0;
  blobs.for_each([&](const BlobInfo&) { ++count; });
  CHECK(count == 0);
  CHECK(std::filesystem::is_empty(blobs.tmp_dir()));
}
