#include "util/hash_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace mlops::util {
namespace {

constexpr size_t kChunk = 4 << 20;
constexpr size_t kSlots = 4;

// Fills buf up to its size unless the input ends; returns the byte count.
size_t read_full(int fd, char* buf, size_t size, const std::string& name) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", name, errno);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

struct Slot {
  std::vector<char> data = std::vector<char>(kChunk);
  size_t size = 0;
  bool full = false;  // owned by the writer until it clears this
};

}  // namespace

HashCopy hash_copy(int in_fd, int out_fd, const std::string& in_name, const std::string& out_name) {
  ::posix_fadvise(in_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 hash;
  HashCopy result;
  std::array<Slot, kSlots> slots;

  size_t n = read_full(in_fd, slots[0].data.data(), kChunk, in_name);
  if (n < kChunk || out_fd < 0) {
    // Small input (or hash only): one thread is cheaper than a hand-off.
    for (;;) {
      hash.update(slots[0].data.data(), n);
      if (out_fd >= 0) write_all(out_fd, slots[0].data.data(), n, out_name);
      result.size += n;
      if (n < kChunk) break;
      n = read_full(in_fd, slots[0].data.data(), kChunk, in_name);
    }
    result.hex = hash.hex_final();
    return result;
  }

  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::exception_ptr writer_error;
  std::thread writer([&] {
    size_t i = 0;
    for (;;) {
      Slot& slot = slots[i];
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return slot.full || finished || writer_error; });
        if (!slot.full) return;
      }
      try {
        write_all(out_fd, slot.data.data(), slot.size, out_name);
      } catch (...) {
        std::lock_guard lock(mu);
        writer_error = std::current_exception();
        cv.notify_all();
        return;
      }
      {
        std::lock_guard lock(mu);
        slot.full = false;
      }
      cv.notify_all();
      i = (i + 1) % kSlots;
    }
  });

  std::exception_ptr reader_error;
  try {
    size_t i = 0;
    for (;;) {
      Slot& slot = slots[i];
      slot.size = n;
      {
        std::lock_guard lock(mu);
        slot.full = true;
      }
      cv.notify_all();
      // The writer only reads this slot, so hashing it concurrently is safe.
      hash.update(slot.data.data(), n);
      result.size += n;
      if (n < kChunk) break;
      i = (i + 1) % kSlots;
      Slot& next = slots[i];
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !next.full || writer_error; });
        if (writer_error) break;
      }
      n = read_full(in_fd, next.data.data(), kChunk, in_name);
    }
  } catch (...) {
    reader_error = std::current_exception();
  }
  {
    std::lock_guard lock(mu);
    finished = true;
  }
  cv.notify_all();
  writer.join();
  if (writer_error) std::rethrow_exception(writer_error);
  if (reader_error) std::rethrow_exception(reader_error);
  result.hex = hash.hex_final();
  return result;
}

}  // namespace mlops::util
