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

// The scalars of one serialized Event (no framing). Non-scalar values are skipped; bytes that are
// not a valid Event give nullopt.
std::optional<std::vector<Scalar>> parse_event(std::string_view bytes);

// One event file, read incrementally from where the last poll stopped.
class EventFileReader {
 public:
  explicit EventFileReader(std::string path, std::string tag_prefix = "");
  // New complete records since the last call. A partial trailing record is left for next time.
  std::vector<Scalar> poll();
  size_t corrupt_records() const { return corrupt_; }

 private:
  std::string path_, prefix_;
  uint64_t offset_ = 0;
  size_t corrupt_ = 0;
  bool broken_ = false;  // framing lost (length CRC failed): nothing after it can be trusted
};

// Every event file (events.out.tfevents.*) under a log directory, new files picked up on each poll.
class TensorBoardWatcher {
 public:
  explicit TensorBoardWatcher(std::string dir);
  std::vector<Scalar> poll();
  size_t corrupt_records() const;

 private:
  std::string dir_;
  std::map<std::string, EventFileReader> readers_;
};

}  // namespace mlops::stats
