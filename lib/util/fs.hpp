// Small, explicit file-system helpers. Every failure throws util::Error naming the path, so callers
// never have to turn errno into words themselves.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::util {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

Fd open_read(const std::string& path);
std::string read_file(const std::string& path);
std::string read_fd(int fd, const std::string& name);
// What a file another process appends to (a log, a stats channel) holds from `offset` on, and its
// size; a file that does not exist (yet) reads as empty.
std::string read_from(const std::string& path, uint64_t offset);
uint64_t size_or_zero(const std::string& path);
void write_all(int fd, const void* data, size_t size, const std::string& path);
void fsync_path(const std::string& dir);
void fsync_fd(int fd, const std::string& path);

bool path_exists(const std::string& path);
// mkdir -p; new directories are fsynced into their parents so they survive a crash.
void make_dirs(const std::string& path);
std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);
// The names in a directory, sorted, without "." and "..".
std::vector<std::string> list_dir(const std::string& dir);
// Removes a file or a whole tree; missing paths are fine.
void remove_all(const std::string& path);

// A file created next to its final place and moved there atomically by commit(); destroyed
// uncommitted it is removed, so no reader ever sees a partial file under the final name.
class TempFile {
 public:
  TempFile(const std::string& dir, mode_t mode = 0644);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }
  // Closes the file, after an fsync when durable; the name stays temporary.
  void close(bool durable);
  // Renames the file into place (closing it first if still open). durable: fsync the data before
  // the rename and the directory after it.
  void commit(const std::string& final_path, bool durable);
  void discard();

 private:
  Fd fd_;
  std::string path_;
  bool done_ = false;
};

// Writes `text` to `path` with `mode`, durably, through a TempFile beside it: readers see the old
// file or the whole new one.
void write_file_atomically(const std::string& path, std::string_view text, mode_t mode);

// A fresh, empty directory inside `dir` for staging a tree before it is renamed into place.
std::string make_temp_dir(const std::string& dir);

}  // namespace mlops::util
