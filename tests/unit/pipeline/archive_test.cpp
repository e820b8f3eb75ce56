#include "pipeline/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

using namespace mlops::pipeline;
using mlops::util::Error;
using mlops::util::Exit;

namespace {

void put(const std::string& path, const std::string& data, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
  ::chmod(path.c_str(), mode);
}

la_ssize_t append(struct archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

struct Raw {
  std::string path;
  unsigned type = AE_IFREG;
  std::string data;
  std::string link;  // link target
  bool hardlink = false;
};

Raw file(const std::string& path, const std::string& data) { return {path, AE_IFREG, data, "", false}; }
Raw symlink_to(const std::string& path, const std::string& target) { return {path, AE_IFLNK, "", target, false}; }
Raw hardlink_to(const std::string& path, const std::string& target) { return {path, AE_IFREG, "", target, true}; }
Raw node(const std::string& path, unsigned type) { return {path, type, "", "", false}; }

// A hand-made tar, as a hostile sender would write it.
std::string make_tar(const std::vector<Raw>& entries) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open(a, &out, nullptr, append, nullptr);
  for (const auto& r : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, r.path.c_str());
    archive_entry_set_filetype(e, r.type);
    archive_entry_set_perm(e, 0644);
    if (r.hardlink) archive_entry_set_hardlink(e, r.link.c_str());
    else if (!r.link.empty()) archive_entry_set_symlink(e, r.link.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(r.data.size()));
    archive_write_header(a, e);
    if (!r.data.empty()) archive_write_data(a, r.data.data(), r.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string unpack_error(const std::string& tar, const ExtractLimits& limits = {}) {
  mlops::testing::TempDir dir;
  try {
    extract_archive(tar, dir / "out", "bundle", limits);
  } catch (const Error& e) {
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
    CHECK(std::filesystem::is_empty(dir.path()));
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("packing is deterministic: times, owners and umask do not matter") {
  mlops::testing::TempDir a, b;
  for (const auto* d : {&a, &b}) {
    put(*d / "p/pipeline.yaml", "kind: Pipeline\n");
    put(*d / "p/src/train.py", "print(1)\n", d == &a ? 0644 : 0664);
    put(*d / "p/run.sh", "#!/bin/sh\n", d == &a ? 0755 : 0700);
  }
  ::utimes((b / "p/src/train.py").c_str(), nullptr);
  auto first = pack_directory(a / "p");
  CHECK(first.files == 3);
  CHECK(mlops::util::sha256_hex(first.archive) == mlops::util::sha256_hex(pack_directory(b / "p").archive));
  CHECK(first.archive == pack_directory(a / "p").archive);
}

TEST_CASE("pack honours .mlopsignore and refuses links") {
  mlops::testing::TempDir dir;
  put(dir / "p/.mlopsignore", "*.log\n");
  put(dir / "p/a.py", "a");
  put(dir / "p/debug.log", "noise");
  auto packed = pack_directory(dir / "p");
  CHECK(packed.files == 2);
  extract_archive(packed.archive, dir / "out", "p");
  CHECK(mlops::util::read_file(dir / "out/a.py") == "a");
  CHECK_FALSE(std::filesystem::exists(dir / "out/debug.log"));
  ::symlink("/etc/passwd", (dir / "p/link").c_str());
  CHECK_THROWS_WITH(pack_directory(dir / "p"),
                    ("cannot pack '" + (dir / "p/link") + "': symbolic links are not supported in pipelines").c_str());
}

TEST_CASE("a round trip keeps contents and the executable bit") {
  mlops::testing::TempDir dir;
  put(dir / "p/x/y/z.txt", "zzz");
  put(dir / "p/run.sh", "#!/bin/sh\n", 0755);
  std::filesystem::create_directories(dir / "p/empty");
  extract_archive(pack_directory(dir / "p").archive, dir / "out", "p");
  CHECK(mlops::util::read_file(dir / "out/x/y/z.txt") == "zzz");
  CHECK(std::filesystem::is_directory(dir / "out/empty"));
  struct stat st;
  REQUIRE(::stat((dir / "out/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("hostile archives are refused and leave nothing behind") {
  CHECK(unpack_error(make_tar({file("/etc/cron.d/x", "x")})) ==
        "cannot unpack 'bundle': entry '/etc/cron.d/x' is not a relative path");
  CHECK(unpack_error(make_tar({file("ok.txt", "x"), file("a/../../escape", "x")})) ==
        "cannot unpack 'bundle': entry 'a/../../escape' escapes the target directory");
  CHECK(unpack_error(make_tar({symlink_to("link", "/etc/passwd")})) ==
        "cannot unpack 'bundle': entry 'link' is a link; bundles hold only files and directories");
  CHECK(unpack_error(make_tar({file("a", "x"), hardlink_to("b", "a")})) ==
        "cannot unpack 'bundle': entry 'b' is a link; bundles hold only files and directories");
  CHECK(unpack_error(make_tar({node("dev", AE_IFCHR)})) ==
        "cannot unpack 'bundle': entry 'dev' is a device, FIFO or socket");
  CHECK(unpack_error(make_tar({file("a", "1"), file("a", "2")})) ==
        "cannot unpack 'bundle': entry 'a' appears twice");
  CHECK(unpack_error("this is not a tar archive at all, not even close........") .find("cannot unpack 'bundle': ") == 0);
}

TEST_CASE("entry count and total size are capped by what is actually read") {
  std::vector<Raw> many;
  for (int i = 0; i < 20; ++i) many.push_back(file("f" + std::to_string(i), "x"));
  CHECK(unpack_error(make_tar(many), {10, 1 << 20}) == "cannot unpack 'bundle': more than 10 entries");
  std::string bomb = make_tar({file("big", std::string(3 << 20, '\0'))});
  CHECK(unpack_error(bomb, {100, 1 << 20}) == "cannot unpack 'bundle': more than 1.0 MiB of content");
}
