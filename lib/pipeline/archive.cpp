#include "pipeline/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::pipeline {

using util::Error;
using util::Exit;

namespace {

// libarchive is loaded while a bundle is packed or unpacked, and let go after, not at start: it
// brings libxml2 and ICU along (1.5 MB resident), which most commands never use and a long-lived
// agent needs only now and then. Loading it costs about a millisecond next to the bundle's work.
static_assert(ARCHIVE_VERSION_NUMBER >= 3000000 && ARCHIVE_VERSION_NUMBER < 4000000, "libarchive.so.13 is libarchive 3");
#define MLOPS_LIBARCHIVE(X) X(archive_entry_filetype) X(archive_entry_free) X(archive_entry_hardlink) \
  X(archive_entry_new) X(archive_entry_pathname) X(archive_entry_perm) X(archive_entry_set_filetype) \
  X(archive_entry_set_gid) X(archive_entry_set_mtime) X(archive_entry_set_pathname) X(archive_entry_set_perm) \
  X(archive_entry_set_size) X(archive_entry_set_uid) X(archive_error_string) X(archive_read_data) \
  X(archive_read_free) X(archive_read_new) X(archive_read_next_header) X(archive_read_open_memory) \
  X(archive_read_support_format_tar) X(archive_write_close) X(archive_write_data) X(archive_write_free) \
  X(archive_write_header) X(archive_write_new) X(archive_write_open) \
  X(archive_write_set_format_pax_restricted)

class LibArchive {
 public:
  // Concurrent runs unpack at once; the loader counts the handles, our lock orders the calls (so
  // ThreadSanitizer sees what the loader's own lock orders).
  LibArchive() {
    std::lock_guard<std::mutex> lock(loading());
    handle_ = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw Error(Exit::error, std::string("cannot load libarchive: ") + ::dlerror(), "install libarchive13");
#define MLOPS_RESOLVE(f) f = reinterpret_cast<decltype(&::f)>(resolve(#f));
    MLOPS_LIBARCHIVE(MLOPS_RESOLVE)
#undef MLOPS_RESOLVE
  }
  ~LibArchive() {
    std::lock_guard<std::mutex> lock(loading());
    ::dlclose(handle_);
  }
  LibArchive(const LibArchive&) = delete;
  LibArchive& operator=(const LibArchive&) = delete;

#define MLOPS_MEMBER(f) decltype(&::f) f;
  MLOPS_LIBARCHIVE(MLOPS_MEMBER)
#undef MLOPS_MEMBER

 private:
  static std::mutex& loading() {
    static std::mutex m;
    return m;
  }
  void* resolve(const char* name) {
    void* p = ::dlsym(handle_, name);
    if (!p) {
      ::dlclose(handle_);
      throw Error(Exit::error, std::string("cannot load libarchive: no ") + name);
    }
    return p;
  }
  void* handle_ = nullptr;
};

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

[[noreturn]] void throw_archive(const LibArchive& la, struct archive* a, const std::string& what) {
  const char* msg = la.archive_error_string(a);
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
  LibArchive la;
  ArchivePtr a(la.archive_write_new(), la.archive_write_free);
  la.archive_write_set_format_pax_restricted(a.get());
  if (la.archive_write_open(a.get(), &result.archive, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
    throw_archive(la, a.get(), "cannot pack '" + dir + "'");
  std::vector<char> buf(1 << 20);
  for (const auto& item : items) {
    EntryPtr e(la.archive_entry_new(), la.archive_entry_free);
    la.archive_entry_set_pathname(e.get(), item.path.c_str());
    la.archive_entry_set_filetype(e.get(), item.is_dir ? AE_IFDIR : AE_IFREG);
    // Only "executable or not" survives: umasks and checkouts differ between machines.
    la.archive_entry_set_perm(e.get(), item.is_dir || item.executable ? 0755 : 0644);
    la.archive_entry_set_size(e.get(), item.is_dir ? 0 : static_cast<la_int64_t>(item.size));
    la.archive_entry_set_mtime(e.get(), 0, 0);
    la.archive_entry_set_uid(e.get(), 0);
    la.archive_entry_set_gid(e.get(), 0);
    if (la.archive_write_header(a.get(), e.get()) != ARCHIVE_OK) throw_archive(la, a.get(), "cannot pack '" + item.path + "'");
    if (item.is_dir) continue;
    std::string path = dir + "/" + item.path;
    util::Fd fd = util::open_read(path);
    uint64_t left = item.size;
    while (left > 0) {
      ssize_t n = ::read(fd.get(), buf.data(), std::min<uint64_t>(buf.size(), left));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) util::throw_errno("read", path, errno);
      if (n == 0) throw Error(Exit::error, "cannot pack '" + path + "': it shrank while being read");
      if (la.archive_write_data(a.get(), buf.data(), static_cast<size_t>(n)) != n)
        throw_archive(la, a.get(), "cannot pack '" + path + "'");
      left -= static_cast<uint64_t>(n);
    }
    result.files++;
    result.bytes += item.size;
  }
  if (la.archive_write_close(a.get()) != ARCHIVE_OK) throw_archive(la, a.get(), "cannot pack '" + dir + "'");
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
    LibArchive la;
    ArchivePtr a(la.archive_read_new(), la.archive_read_free);
    la.archive_read_support_format_tar(a.get());
    if (la.archive_read_open_memory(a.get(), archive.data(), archive.size()) != ARCHIVE_OK)
      throw_archive(la, a.get(), "cannot unpack '" + name + "'");
    uint64_t entries = 0, total = 0;
    std::vector<char> buf(1 << 20);
    for (;;) {
      struct archive_entry* e = nullptr;
      int rc = la.archive_read_next_header(a.get(), &e);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK) throw_archive(la, a.get(), "cannot unpack '" + name + "'");
      if (++entries > limits.max_entries)
        throw Error(Exit::integrity, "cannot unpack '" + name + "': more than " + std::to_string(limits.max_entries) +
                                         " entries");
      const char* raw = la.archive_entry_pathname(e);
      std::string rel = checked_entry_path(raw ? raw : "", name);
      std::string path = staging + "/" + rel;
      auto type = la.archive_entry_filetype(e);
      bool is_link = la.archive_entry_hardlink(e) != nullptr || type == AE_IFLNK;
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
      mode_t mode = (la.archive_entry_perm(e) & 0111) ? 0755 : 0644;
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd < 0) {
        if (errno == EEXIST)
          throw Error(Exit::integrity, "cannot unpack '" + name + "': entry '" + rel + "' appears twice");
        util::throw_errno("create", path, errno);
      }
      util::Fd out(fd);
      for (;;) {
        la_ssize_t n = la.archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) throw_archive(la, a.get(), "cannot unpack '" + name + "'");
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
