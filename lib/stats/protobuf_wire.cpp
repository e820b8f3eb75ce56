#include "stats/protobuf_wire.hpp"

#include <vector>

namespace mlops::stats::wire {

namespace {
// Real messages nest groups a level or two; the cap only bounds the work hostile bytes can cause.
constexpr size_t max_group_depth = 100;
constexpr uint32_t max_field_number = (1u << 29) - 1;
}  // namespace

uint32_t load_le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t load_le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

bool read_varint(std::string_view& in, uint64_t& out) {
  uint64_t v = 0;
  for (size_t i = 0; i < 10 && i < in.size(); ++i) {
    auto byte = static_cast<unsigned char>(in[i]);
    v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);  // bits past 64 are dropped, as protobuf does
    if (!(byte & 0x80)) {
      in.remove_prefix(i + 1);
      out = v;
      return true;
    }
  }
  return false;
}

bool Reader::read_tag(uint32_t& number, WireType& type) {
  uint64_t tag = 0;
  if (!read_varint(in_, tag)) return fail();
  uint64_t n = tag >> 3;
  auto t = static_cast<unsigned>(tag & 7);
  if (n == 0 || n > max_field_number || t > 5) return fail();
  number = static_cast<uint32_t>(n);
  type = static_cast<WireType>(t);
  return true;
}

// Skips to the end tag matching `number`, checking nested groups match too.
bool Reader::skip_group(uint32_t number) {
  std::vector<uint32_t> open{number};
  while (!open.empty()) {
    if (in_.empty()) return fail();
    uint32_t n = 0;
    WireType type{};
    if (!read_tag(n, type)) return false;
    uint64_t len = 0;
    switch (type) {
      case WireType::varint:
        if (!read_varint(in_, len)) return fail();
        break;
      case WireType::fixed64:
        if (in_.size() < 8) return fail();
        in_.remove_prefix(8);
        break;
      case WireType::fixed32:
        if (in_.size() < 4) return fail();
        in_.remove_prefix(4);
        break;
      case WireType::bytes:
        if (!read_varint(in_, len) || len > in_.size()) return fail();
        in_.remove_prefix(len);
        break;
      case WireType::start_group:
        if (open.size() >= max_group_depth) return fail();
        open.push_back(n);
        break;
      case WireType::end_group:
        if (open.back() != n) return fail();
        open.pop_back();
        break;
    }
  }
  return true;
}

bool Reader::next(Field& field) {
  if (failed_ || in_.empty()) return false;
  uint32_t number = 0;
  WireType type{};
  if (!read_tag(number, type)) return false;
  field = Field{number, type, 0, {}};
  switch (type) {
    case WireType::varint:
      if (!read_varint(in_, field.value)) return fail();
      return true;
    case WireType::fixed64:
      if (in_.size() < 8) return fail();
      field.value = load_le64(in_.data());
      in_.remove_prefix(8);
      return true;
    case WireType::fixed32:
      if (in_.size() < 4) return fail();
      field.value = load_le32(in_.data());
      in_.remove_prefix(4);
      return true;
    case WireType::bytes: {
      uint64_t len = 0;
      if (!read_varint(in_, len) || len > in_.size()) return fail();
      field.bytes = in_.substr(0, len);
      in_.remove_prefix(len);
      return true;
    }
    case WireType::start_group: {
      const char* begin = in_.data();
      if (!skip_group(number)) return false;
      field.bytes = std::string_view(begin, static_cast<size_t>(in_.data() - begin));
      return true;
    }
    case WireType::end_group:
      return fail();  // an end without a start: the message is cut or not protobuf at all
  }
  return fail();
}

}  // namespace mlops::stats::wire
