#include "util/fs.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "../temp_dir.hpp"
#include "util/error.hpp"

using namespace mlops::util;

TEST_CASE("TempFile is invisible until committed and gone when dropped") {
  mlops::testing::TempDir dir;
  {
    TempFile tmp(dir.path());
    write_all(tmp.fd(), "abc", 3, tmp.path());
    CHECK(std::filesystem::path(tmp.path()).filename().string().rfind(".tmp-", 0) == 0);
  }
  CHECK(std::filesystem::is_empty(dir.path()));
  TempFile tmp(dir.path(), 0640);
  write_all(tmp.fd(), "abc", 3, tmp.path());
  tmp.commit(dir / "final", true);
  CHECK(read_file(dir / "final") == "abc");
  struct stat st;
  REQUIRE(::stat((dir / "final").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("errors name the path and map errno to exit codes") {
  try {
    read_file("/nonexistent/file");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "cannot read '/nonexistent/file': no such file or directory");
    CHECK(e.code() == Exit::not_found);
  }
  CHECK(exit_for_errno(EACCES) == Exit::permission);
  CHECK(exit_for_errno(ENOSPC) == Exit::no_space);
  CHECK(exit_for_errno(EIO) == Exit::error);
}

TEST_CASE("make_dirs creates parents and refuses a file in the way") {
  mlops::testing::TempDir dir;
  make_dirs(dir / "a/b/c");
  CHECK(std::filesystem::is_directory(dir / "a/b/c"));
  make_dirs(dir / "a/b/c");
  TempFile f(dir.path());
  f.commit(dir / "file", false);
  CHECK_THROWS_WITH(make_dirs(dir / "file/x"),
                    ("cannot create directory '" + (dir / "file") + "': a file is in the way").c_str());
}

TEST_CASE("basename_of and dirname_of") {
  CHECK(basename_of("a/b/model.pkl") == "model.pkl");
  CHECK(basename_of("a/b/saved/") == "saved");
  CHECK(dirname_of("model.pkl") == ".");
  CHECK(dirname_of("/x/y") == "/x");
}
