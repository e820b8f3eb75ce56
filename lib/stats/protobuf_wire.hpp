// The protobuf wire format, read by hand for the few messages mlops decodes (TensorBoard events)
// without depending on libprotobuf. Every read is bounds-checked: hostile bytes end in failed(),
// never in a read past the input.
#pragma once

#include <cstdint>
#include <string_view>

namespace mlops::stats::wire {

enum class WireType : uint8_t { varint = 0, fixed64 = 1, bytes = 2, start_group = 3, end_group = 4, fixed32 = 5 };

struct Field {
  uint32_t number = 0;
  WireType type = WireType::varint;
  uint64_t value = 0;      // varint, fixed32 and fixed64 fields: the raw bits
  std::string_view bytes;  // length-delimited fields: the payload; groups: the body and end tag, unparsed
};

// Walks the fields of one message in order. Groups (deprecated, but legal in any message) are
// returned whole so callers can ignore them like any other unknown field.
class Reader {
 public:
  explicit Reader(std::string_view data) : in_(data) {}
  // The next field, or false at the end of the message or on malformed bytes (then failed()).
  bool next(Field& field);
  bool failed() const { return failed_; }

 private:
  bool read_tag(uint32_t& number, WireType& type);
  bool skip_group(uint32_t number);
  bool fail() {
    failed_ = true;
    return false;
  }

  std::string_view in_;
  bool failed_ = false;
};

// Reads a base-128 varint from the front of `in`, consuming it; false when truncated or longer
// than 10 bytes.
bool read_varint(std::string_view& in, uint64_t& out);

uint32_t load_le32(const char* p);
uint64_t load_le64(const char* p);

}  // namespace mlops::stats::wire
