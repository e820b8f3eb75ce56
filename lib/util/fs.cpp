#include "util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <random>

#include "util/error.hpp"

namespace mlops::util {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd open_read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("read", path, errno);
  return Fd(fd);
}

std::string read_file(const std::string& path) {
  Fd fd = open_read(path);
  return read_fd(fd.get(), path);
}

std::string read_fd(int fd, const std::string& name) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", name, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void write_all(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void fsync_fd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) throw_errno("sync", path, errno);
}

void fsync_path(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("open directory", dir, errno);
  Fd owned(fd);
  fsync_fd(fd, dir);
}

std::string read_from(const std::string& path, uint64_t offset) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return "";
  std::string out;
  char buf[1 << 16];
  for (ssize_t n; (n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(offset))) > 0; offset += static_cast<uint64_t>(n))
    out.append(buf, static_cast<size_t>(n));
  return out;
}

uint64_t size_or_zero(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string dirname_of(const std::string& path) {
  auto p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

std::string basename_of(const std::string& path) {
  std::filesystem::path p(path);
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

void make_dirs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw Error(Exit::error, "cannot create directory '" + path + "': a file is in the way");
    return;
  }
  std::string parent = dirname_of(path);
  if (parent != path) make_dirs(parent);
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("create directory", path, errno);
  fsync_path(parent);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    names.push_back(it->path().filename().string());
  if (ec) throw_errno("read directory", dir, ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

void remove_all(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) throw_errno("remove", path, ec.value());
}

static std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<uint64_t>(::getpid())};
  static const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  uint64_t v = rng();
  for (int i = 0; i < 12; ++i, v /= 36) s += digits[v % 36];
  return s;
}

TempFile::TempFile(const std::string& dir, mode_t mode) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = dir + "/.tmp-" + random_suffix();
    int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0) {
      fd_ = Fd(fd);
      path_ = candidate;
      return;
    }
    if (errno != EEXIST) throw_errno("create file in", dir, errno);
  }
  throw Error(Exit::error, "cannot create a temporary file in '" + dir + "'");
}

TempFile::~TempFile() {
  if (!done_ && !path_.empty()) ::unlink(path_.c_str());
}

void TempFile::close(bool durable) {
  if (fd_.get() < 0) return;
  if (durable) fsync_fd(fd_.get(), path_);
  Fd closing = std::move(fd_);
  if (::close(closing.release()) != 0) throw_errno("write", path_, errno);
}

void TempFile::commit(const std::string& final_path, bool durable) {
  close(durable);
  if (::rename(path_.c_str(), final_path.c_str()) != 0) throw_errno("rename into", final_path, errno);
  done_ = true;
  if (durable) fsync_path(dirname_of(final_path));
}

void TempFile::discard() {
  if (!done_) ::unlink(path_.c_str());
  done_ = true;
}

std::string make_temp_dir(const std::string& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = dir + "/.tmp-" + random_suffix();
    if (::mkdir(candidate.c_str(), 0755) == 0) return candidate;
    if (errno != EEXIST) throw_errno("create directory in", dir, errno);
  }
  throw Error(Exit::error, "cannot create a temporary directory in '" + dir + "'");
}

void write_file_atomically(const std::string& path, std::string_view text, mode_t mode) {
  TempFile f(dirname_of(path), mode);
  write_all(f.fd(), text.data(), text.size(), f.path());
  f.commit(path, true);
}

}  // namespace mlops::util
