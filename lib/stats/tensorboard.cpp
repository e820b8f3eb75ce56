// EventFileReader and TensorBoardWatcher: TFRecord framing read incrementally from files another
// process is still appending to. parse_event lives in tensorboard_event.cpp.
#include "stats/tensorboard.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "stats/crc32c.hpp"
#include "stats/protobuf_wire.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::stats {

namespace {

constexpr size_t header_size = 12;  // uint64 length, uint32 masked CRC of the length
constexpr size_t footer_size = 4;   // uint32 masked CRC of the payload
constexpr size_t read_chunk = 1 << 20;

// Appends up to `want` bytes read at `offset`; returns how many arrived (fewer at the end of the
// file), or -1 with errno set.
ssize_t read_at(int fd, uint64_t offset, size_t want, std::string& buf) {
  size_t old = buf.size();
  buf.resize(old + want);
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd, buf.data() + old + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      buf.resize(old);
      errno = err;
      return -1;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  buf.resize(old + got);
  return static_cast<ssize_t>(got);
}

}  // namespace

EventFileReader::EventFileReader(std::string path, std::string tag_prefix)
    : path_(std::move(path)), prefix_(std::move(tag_prefix)) {}

std::vector<Scalar> EventFileReader::poll() {
  std::vector<Scalar> out;
  if (broken_) return out;
  error_.clear();
  int raw = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    // Removed, or not created yet, is no error: there is simply nothing to read.
    if (errno != ENOENT) error_ = "cannot open '" + path_ + "': " + util::errno_text(errno);
    return out;
  }
  util::Fd fd(raw);

  // buf holds the file's bytes from `base` on; pos is how far complete records reach into it.
  uint64_t base = offset_;
  std::string buf;
  size_t pos = 0;
  bool eof = false;
  // Makes at least `need` unconsumed bytes available, reading in large chunks so a big backlog
  // costs few system calls; false when the file does not have them (yet) or cannot be read.
  auto have = [&](size_t need) {
    while (buf.size() - pos < need && !eof) {
      if (pos > 0) {  // keep memory to one record plus one chunk however long the file is
        buf.erase(0, pos);
        base += pos;
        pos = 0;
      }
      size_t want = std::max(read_chunk, need - buf.size());
      ssize_t got = read_at(fd.get(), base + buf.size(), want, buf);
      if (got < 0) error_ = "cannot read '" + path_ + "': " + util::errno_text(errno);
      if (got < static_cast<ssize_t>(want)) eof = true;
    }
    return buf.size() - pos >= need;
  };

  while (have(header_size)) {
    std::string_view header(buf.data() + pos, header_size);
    if (wire::load_le32(header.data() + 8) != masked_crc32c(header.substr(0, 8))) {
      ++corrupt_;
      broken_ = true;  // without a trustworthy length there is no way to find the next record
      break;
    }
    uint64_t length = wire::load_le64(header.data());
    if (length > max_record_size) {
      ++corrupt_;  // a checksummed but absurd length: no real writer makes one, so stop here
      broken_ = true;
      break;
    }
    size_t total = header_size + static_cast<size_t>(length) + footer_size;
    if (!have(total)) break;  // the writer has not finished this record: wait for the next poll
    std::string_view payload(buf.data() + pos + header_size, static_cast<size_t>(length));
    uint32_t crc = wire::load_le32(buf.data() + pos + header_size + length);
    pos += total;
    if (crc != masked_crc32c(payload)) {
      ++corrupt_;
      continue;
    }
    auto scalars = parse_event(payload);
    if (!scalars) {
      ++corrupt_;  // checksummed bytes that are not an Event: the writer's bug, not a torn write
      continue;
    }
    for (auto& s : *scalars) {
      s.tag.insert(0, prefix_);
      out.push_back(std::move(s));
    }
  }
  offset_ = base + pos;
  return out;
}

TensorBoardWatcher::TensorBoardWatcher(std::string dir) : dir_(std::move(dir)) {}

std::vector<Scalar> TensorBoardWatcher::poll() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Errors while walking (a directory removed mid-scan, one we may not read) skip that part of the
  // tree this time; the next poll looks again.
  fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    if (entry.path().filename().string().find("tfevents") == std::string::npos) continue;
    fs::path rel = entry.path().lexically_relative(dir_);
    std::string prefix = rel.parent_path().generic_string();
    if (!prefix.empty()) prefix += '/';
    readers_.try_emplace(rel.generic_string(), entry.path().string(), prefix);
  }
  std::vector<Scalar> out;
  for (auto& [rel, reader] : readers_) {
    auto scalars = reader.poll();
    out.insert(out.end(), std::make_move_iterator(scalars.begin()), std::make_move_iterator(scalars.end()));
  }
  return out;
}

std::vector<std::string> TensorBoardWatcher::errors() const {
  std::vector<std::string> out;
  for (const auto& [rel, reader] : readers_)
    if (!reader.error().empty()) out.push_back(reader.error());
  return out;
}

size_t TensorBoardWatcher::corrupt_records() const {
  size_t n = 0;
  for (const auto& [rel, reader] : readers_) n += reader.corrupt_records();
  return n;
}

}  // namespace mlops::stats
