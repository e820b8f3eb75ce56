#include "pipeline/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::pipeline {

using util::Error;
using util::Exit;

namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;
using EntryPtr = std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)>;

struct Item {
  std::string path;  // relative
  bool is_dir = false;
  bool executable = false;
  uint64_t size = 0;
};

void walk(const std::string& root, const std::string& rel, const IgnoreRules& ignore, std::vector<Item>& out) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  std::vector<std::string> names = util::list_dir(dir);
  for (const auto& name : names) {
    std::string child = rel.empty() ? name : rel + "/" + name;
    std::string path = root + "/" + child;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) util::throw_errno("read", path, errno);
    bool is_dir = S_ISDIR(st.st_mode);
    if (ignore.ignored(child, is_dir)) continue;
    if (is_dir) {
      out.push_back({child, true, false, 0});
      walk(root, child, ignore, out);
    } else if (S_ISREG(st.st_mode)) {
      out.push_back({child, false, (st.st_mode & 0111) != 0, static_cast<uint64_t>(st.st_size)});
    } else {
      throw Error(Exit::error, std::string("cannot pack '") + path + "': " +
                                   (S_ISLNK(st.st_mode) ? "symbolic links" : "special files") +
                                   " are not supported in pipelines",
                  "copy the target in, or list it in .mlopsignore");
    }
  }
}

la_ssize_t append_to_string(struct archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

[[noreturn]] void throw_archive(struct archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  throw Error(Exit::error, what + ": " + (msg ? msg : "archive error"));
}

}  // namespace

PackResult pack_directory(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) util::throw_errno("read", dir, errno);
  if (!S_ISDIR(st.st_mode)) throw Error(Exit::error, "cannot pack '" + dir + "': not a directory");
  IgnoreRules ignore;
  if (util::path_exists(dir + "/.mlopsignore")) ignore = IgnoreRules::parse(util::read_file(dir + "/.mlopsignore"));
  std::vector<Item> items;
  walk(dir, "", ignore, items);
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.path < b.path; });

  PackResult result;
  ArchivePtr a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open(a.get(), &result.archive, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
    throw_archive(a.get(), "cannot pack '" + dir + "'");
  std::vector<char> buf(1 << 20);
  for (const auto& item : items) {
    EntryPtr e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), item.path.c_str());
    archive_entry_set_filetype(e.get(), item.is_dir ? AE_IFDIR : AE_IFREG);
    // Only "executable or not" survives: umasks and checkouts differ between machines.
    archive_entry_set_perm(e.get(), item.is_dir || item.executable ? 0755 : 0644);
    archive_entry_set_size(e.get(), item.is_dir ? 0 : static_cast<la_int64_t>(item.size));
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) throw_archive(a.get(), "cannot pack '" + item.path + "'");
    if (item.is_dir) continue;
    std::string path = dir + "/" + item.path;
    util::Fd fd = util::open_read(path);
    uint64_t left = item.size;
    while (left > 0) {
      ssize_t n = ::read(fd.get(), buf.data(), std::min<uint64_t>(buf.size(), left));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) util::throw_errno("read", path, errno);
      if (n == 0) throw Error(Exit::error, "cannot pack '" + path + "': it shrank while being read");
      if (archive_write_data(a.get(), buf.data(), static_cast<size_t>(n)) != n)
        throw_archive(a.get(), "cannot pack '" + path + "'");
      left -= static_cast<uint64_t>(n);
    }
    result.files++;
    result.bytes += item.size;
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) throw_archive(a.get(), "cannot pack '" + dir + "'");
  return result;
}

static std::string checked_entry_path(const std::string& raw, const std::string& name) {
  auto bad = [&](const std::string& why) {
    return Error(Exit::integrity, "cannot unpack '" + name + "': entry '" + raw + "' " + why);
  };
  std::string path = raw;
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty() || path.front() == '/') throw bad("is not a relative path");
  for (const auto& part : util::split(path, '/')) {
    if (part == "..") throw bad("escapes the target directory");
    if (part.empty() || part == ".") throw bad("is not a clean relative path");
  }
  return path;
}

void extract_archive(const std::string& archive, const std::string& dest, const std::string& name,
                     const ExtractLimits& limits) {
  if (util::path_exists(dest)) throw Error(Exit::error, "cannot unpack into '" + dest + "': it already exists");
  std::string parent = util::dirname_of(dest);
  util::make_dirs(parent);
  std::string staging = util::make_temp_dir(parent);
  try {
    ArchivePtr a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_memory(a.get(), archive.data(), archive.size()) != ARCHIVE_OK)
      throw_archive(a.get(), "cannot unpack '" + name + "'");
    uint64_t entries = 0, total = 0;
    std::vector<char> buf(1 << 20);
    for (;;) {
      struct archive_entry* e = nullptr;
      int rc = archive_read_next_header(a.get(), &e);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK) throw_archive(a.get(), "cannot unpack '" + name + "'");
      if (++entries > limits.max_entries)
        throw Error(Exit::integrity, "cannot unpack '" + name + "': more than " + std::to_string(limits.max_entries) +
                                         " entries");
      const char* raw = archive_entry_pathname(e);
      std::string rel = checked_entry_path(raw ? raw : "", name);
      std::string path = staging + "/" + rel;
      auto type = archive_entry_filetype(e);
      bool is_link = archive_entry_hardlink(e) != nullptr || type == AE_IFLNK;
      if (is_link)
        throw Error(Exit::integrity, "cannot unpack '" + name + "': entry '" + rel + "' is a link; " +
                                         "bundles hold only files and directories");
      if (type == AE_IFDIR) {
        util::make_dirs(path);
        continue;
      }
      if (type != AE_IFREG)
        throw Error(Exit::integrity, "cannot unpack '" + name + "': entry '" + rel + "' is a device, FIFO or socket");
      // Parents are created here, inside a directory nobody else writes, and hold no links.
      util::make_dirs(util::dirname_of(path));
      mode_t mode = (archive_entry_perm(e) & 0111) ? 0755 : 0644;
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd < 0) {
        if (errno == EEXIST)
          throw Error(Exit::integrity, "cannot unpack '" + name + "': entry '" + rel + "' appears twice");
        util::throw_errno("create", path, errno);
      }
      util::Fd out(fd);
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) throw_archive(a.get(), "cannot unpack '" + name + "'");
        if (n == 0) break;
        total += static_cast<uint64_t>(n);
        if (total > limits.max_bytes)
          throw Error(Exit::integrity, "cannot unpack '" + name + "': more than " + util::human_bytes(limits.max_bytes) +
                                           " of content");
        util::write_all(out.get(), buf.data(), static_cast<size_t>(n), path);
      }
    }
    if (::rename(staging.c_str(), dest.c_str()) != 0) util::throw_errno("rename into", dest, errno);
  } catch (...) {
    util::remove_all(staging);
    throw;
  }
}

}  // namespace mlops::pipeline
