#include "store/blob_store.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash_copy.hpp"
#include "util/sha256.hpp"

namespace mlops::store {

using util::Error;
using util::Exit;

void throw_missing_blob(const std::string& hex) {
  throw Error(Exit::integrity, "blob 'sha256:" + hex + "' is missing from the store", "run 'mlops store fsck'");
}

void throw_corrupt_blob(const std::string& hex, const std::string& actual) {
  throw Error(Exit::integrity, "blob 'sha256:" + hex + "' is corrupt: its content hashes to 'sha256:" + actual + "'",
              "run 'mlops store fsck'");
}

BlobStore::BlobStore(std::string root) : root_(std::move(root)) {}

void BlobStore::init() const {
  util::make_dirs(tmp_dir());
  std::string base = root_ + "/blobs/sha256";
  util::make_dirs(base);
  // All 256 fan-out directories exist from the start, so a push never has to create (and fsync) one.
  char name[3];
  bool created = false;
  for (int i = 0; i < 256; ++i) {
    std::snprintf(name, sizeof name, "%02x", i);
    std::string dir = base + "/" + name;
    if (::mkdir(dir.c_str(), 0755) == 0)
      created = true;
    else if (errno != EEXIST)
      util::throw_errno("create directory", dir, errno);
  }
  if (created) util::fsync_path(base);
}

std::string BlobStore::path_of(const std::string& hex) const {
  return root_ + "/blobs/sha256/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

bool BlobStore::has(const std::string& hex) const { return util::path_exists(path_of(hex)); }

StagedBlob BlobStore::stage_fd(int fd, const std::string& source_name) const {
  auto tmp = std::make_unique<util::TempFile>(tmp_dir(), 0444);
  try {
    auto copied = util::hash_copy(fd, tmp->fd(), source_name, tmp->path());
    StagedBlob staged{{copied.hex, copied.size}, nullptr};
    struct stat st;
    if (::stat(path_of(copied.hex).c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) == copied.size) {
      tmp->discard();  // the same content is already stored
    } else {
      tmp->close(true);
      staged.file = std::move(tmp);
    }
    return staged;
  } catch (const Error& e) {
    // The temporary name means nothing to the user; say what could not be stored.
    if (e.code() == Exit::no_space)
      throw Error(Exit::no_space, "cannot store '" + source_name + "': no space left on device",
                  "free some space, or run 'mlops store gc'");
    throw;
  }
}

void BlobStore::publish(StagedBlob& staged) const {
  if (!staged.file) return;
  std::string final_path = path_of(staged.info.hex);
  util::make_dirs(util::dirname_of(final_path));
  staged.file->commit(final_path, true);
  staged.file.reset();
}

BlobInfo BlobStore::put_fd(int fd, const std::string& source_name) const {
  StagedBlob staged = stage_fd(fd, source_name);
  publish(staged);
  return staged.info;
}

BlobInfo BlobStore::put_bytes(std::string_view data) const {
  std::string hex = util::sha256_hex(data);
  std::string final_path = path_of(hex);
  struct stat st;
  if (::stat(final_path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) == data.size())
    return {hex, data.size()};
  util::TempFile tmp(tmp_dir(), 0444);
  util::write_all(tmp.fd(), data.data(), data.size(), tmp.path());
  util::make_dirs(util::dirname_of(final_path));
  tmp.commit(final_path, true);
  return {hex, data.size()};
}

util::Fd BlobStore::open_blob(const std::string& hex) const {
  try {
    return util::open_read(path_of(hex));
  } catch (const Error& e) {
    if (e.code() == Exit::not_found) throw_missing_blob(hex);
    throw;
  }
}

std::string BlobStore::read_verified(const std::string& hex) const {
  util::Fd in = open_blob(hex);
  std::string data = util::read_fd(in.get(), path_of(hex));
  std::string actual = util::sha256_hex(data);
  if (actual != hex) throw_corrupt_blob(hex, actual);
  return data;
}

void BlobStore::export_to(const std::string& hex, const std::string& dest, mode_t mode) const {
  util::Fd in = open_blob(hex);
  util::TempFile tmp(util::dirname_of(dest), mode);
  auto copied = util::hash_copy(in.get(), tmp.fd(), path_of(hex), dest);
  if (copied.hex != hex) throw_corrupt_blob(hex, copied.hex);  // tmp is removed on unwind
  if (::fchmod(tmp.fd(), mode) != 0) util::throw_errno("set mode of", dest, errno);
  // Outputs handed to the user are not fsynced: the store is the durable copy, and rename still
  // guarantees nobody sees a partial file.
  tmp.commit(dest, false);
}

std::string BlobStore::rehash(const std::string& hex) const {
  util::Fd in = open_blob(hex);
  return util::hash_copy(in.get(), -1, path_of(hex), "").hex;
}

void BlobStore::remove(const std::string& hex) const {
  std::string path = path_of(hex);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) util::throw_errno("remove", path, errno);
}

void BlobStore::for_each(const std::function<void(const BlobInfo&)>& visit) const {
  std::string base = root_ + "/blobs/sha256";
  DIR* top = ::opendir(base.c_str());
  if (!top) util::throw_errno("list", base, errno);
  std::unique_ptr<DIR, int (*)(DIR*)> top_guard(top, ::closedir);
  while (dirent* fan = ::readdir(top)) {
    std::string prefix = fan->d_name;
    if (prefix.size() != 2) continue;
    std::string dir = base + "/" + prefix;
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    std::unique_ptr<DIR, int (*)(DIR*)> guard(d, ::closedir);
    while (dirent* e = ::readdir(d)) {
      std::string hex = prefix + e->d_name;
      if (!util::is_sha256_hex(hex)) continue;
      struct stat st;
      if (::stat((dir + "/" + e->d_name).c_str(), &st) != 0) continue;
      visit({hex, static_cast<uint64_t>(st.st_size)});
    }
  }
}

}  // namespace mlops::store
