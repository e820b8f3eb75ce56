// Protobuf wire bytes and TFRecord framing built by hand, so tests can say exactly which bytes a
// reader meets, including ones no real writer makes.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "stats/crc32c.hpp"

namespace mlops::testing::pb {

inline std::string varint(uint64_t v) {
  std::string out;
  do {
    out += static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return out;
}

inline std::string le(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

inline std::string key(uint32_t field, int type) { return varint((uint64_t{field} << 3) | type); }
inline std::string u(uint32_t field, uint64_t v) { return key(field, 0) + varint(v); }
inline std::string bytes(uint32_t field, const std::string& s) { return key(field, 2) + varint(s.size()) + s; }
inline std::string f32(uint32_t field, float v) { return key(field, 5) + le(std::bit_cast<uint32_t>(v), 4); }
inline std::string f64(uint32_t field, double v) { return key(field, 1) + le(std::bit_cast<uint64_t>(v), 8); }
inline std::string packed_f32(float v) { return le(std::bit_cast<uint32_t>(v), 4); }
inline std::string packed_f64(double v) { return le(std::bit_cast<uint64_t>(v), 8); }
inline std::string group(uint32_t field, const std::string& body) { return key(field, 3) + body + key(field, 4); }

// One of each wire type under field numbers no message here uses.
inline std::string unknown_fields() {
  return u(90, 300) + f64(91, 1.0) + bytes(92, "junk") + group(93, u(1, 1) + group(94, bytes(2, "x"))) +
         f32(95, 2.0f);
}

// Event{wall_time, step, summary{value...}}; `values` is already a run of Summary.value fields.
inline std::string event(int64_t step, double wall_time, const std::string& values) {
  return f64(1, wall_time) + u(2, static_cast<uint64_t>(step)) + bytes(5, values);
}

inline std::string simple(const std::string& tag, float v) { return bytes(1, bytes(1, tag) + f32(2, v)); }

inline std::string scalars_plugin() { return bytes(9, bytes(1, bytes(1, "scalars"))); }

// A Summary.value with a TensorProto whose fields are `tensor`.
inline std::string tensor_value(const std::string& tag, const std::string& tensor, const std::string& extra = "") {
  return bytes(1, bytes(1, tag) + bytes(8, tensor) + extra);
}

inline std::string record(const std::string& payload) {
  std::string len = le(payload.size(), 8);
  return len + le(stats::masked_crc32c(len), 4) + payload + le(stats::masked_crc32c(payload), 4);
}

}  // namespace mlops::testing::pb
