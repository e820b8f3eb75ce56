// TensorBoard event files read while the program writing them runs: TFRecord framing (length,
// masked CRC-32C of the length, payload, masked CRC-32C of the payload), the Event protobuf decoded
// by hand (only the fields scalars need), and every scalar encoding writers use:
// Summary.Value.simple_value, and a scalar TensorProto in float_val, double_val or tensor_content.
// A record still being written waits for its bytes; a record whose CRC fails is counted, not fatal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::stats {

struct Scalar {
  std::string tag;  // "loss"; prefixed by the run subdirectory when not at the top: "eval/loss"
  int64_t step = 0;
  double wall_time = 0;  // seconds since the epoch, as the writer recorded it
  double value = 0;
};

// The scalars of one serialized Event (no framing), in the order of its Summary values, each with
// the event's step and wall_time. Values that are not scalars (images, histograms, tensors of more
// than one element, strings, tensors of another plugin than "scalars") are skipped; an Event with no
// summary (the file_version record every file starts with) gives an empty list. Bytes that are not
// a valid Event in the protobuf wire format give nullopt. Never reads outside `bytes`, whatever
// they hold.
std::optional<std::vector<Scalar>> parse_event(std::string_view bytes);

// One event file, read incrementally from where the last poll stopped; the file is never read
// from the start again, so a file replaced or truncated under the same name is not noticed.
class EventFileReader {
 public:
  // Records longer than this are taken as corrupt framing, not allocated.
  static constexpr uint64_t max_record_size = 64u << 20;

  // tag_prefix is prepended to every tag as is ("train/").
  explicit EventFileReader(std::string path, std::string tag_prefix = "");
  // New complete records since the last call. A partial trailing record is left for next time.
  // A record whose payload CRC fails, or whose checksummed payload is not an Event, is counted in
  // corrupt_records() and skipped. A length whose CRC fails (or one over max_record_size) is
  // counted too, and then the reader stops for good: the framing is lost. A missing file gives
  // nothing; a file that cannot be opened or read gives what was read and sets error().
  std::vector<Scalar> poll();
  size_t corrupt_records() const { return corrupt_; }
  bool broken() const { return broken_; }
  // Why the last poll could not read the file ("cannot open 'x': permission denied"), or empty.
  const std::string& error() const { return error_; }

 private:
  std::string path_, prefix_;
  uint64_t offset_ = 0;
  size_t corrupt_ = 0;
  bool broken_ = false;  // framing lost (length CRC failed): nothing after it can be trusted
  std::string error_;
};

// Every event file (a regular file whose name contains "tfevents") under a log directory, at any
// depth, new files picked up on each poll. Tags of a file in a subdirectory get that relative
// directory as a prefix: "train/epoch_loss". A missing directory is an empty one.
class TensorBoardWatcher {
 public:
  explicit TensorBoardWatcher(std::string dir);
  // New scalars of every file: file by file in order of relative path, each in record order.
  std::vector<Scalar> poll();
  size_t corrupt_records() const;
  // The files the last poll could not read, as EventFileReader::error() words them.
  std::vector<std::string> errors() const;

 private:
  std::string dir_;
  std::map<std::string, EventFileReader> readers_;
};

}  // namespace mlops::stats
