// parse_event: the Event, Summary, Value and TensorProto messages of TensorFlow's event.proto,
// summary.proto and tensor.proto, decoded only as far as scalars need.
#include <bit>
#include <cmath>
#include <cstring>

#include "stats/protobuf_wire.hpp"
#include "stats/tensorboard.hpp"

namespace mlops::stats {

namespace {

using wire::Field;
using wire::Reader;
using wire::WireType;

// DataType values from types.proto.
enum DType : uint64_t { dt_float = 1, dt_double = 2, dt_int32 = 3, dt_uint8 = 4, dt_int16 = 5, dt_int8 = 6,
                        dt_int64 = 9, dt_bfloat16 = 14, dt_uint16 = 17, dt_half = 19 };

double from_f32_bits(uint32_t bits) { return std::bit_cast<float>(bits); }
double from_f64_bits(uint64_t bits) { return std::bit_cast<double>(bits); }

double from_half_bits(uint32_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v = exp == 0    ? std::ldexp(frac, -24)
             : exp == 31 ? (frac ? NAN : INFINITY)
                         : std::ldexp(frac | 0x400, exp - 25);
  return sign ? -v : v;
}

double from_bfloat16_bits(uint32_t h) { return from_f32_bits((h & 0xffff) << 16); }

// A repeated numeric field only matters to us when it holds exactly one element (a scalar), so
// count the elements and keep the last instead of storing them.
struct Repeated {
  uint64_t count = 0;
  double last = 0;
  void add(double v) {
    ++count;
    last = v;
  }
};

// Repeated numeric fields arrive packed (one length-delimited field) or one element per field;
// protobuf parsers accept both whatever the .proto says. A wrong wire type is an unknown field.
bool add_fixed(const Field& f, Repeated& r, bool is64) {
  size_t width = is64 ? 8 : 4;
  auto convert = [&](uint64_t bits) {
    r.add(is64 ? from_f64_bits(bits) : from_f32_bits(static_cast<uint32_t>(bits)));
  };
  if (f.type == (is64 ? WireType::fixed64 : WireType::fixed32)) {
    convert(f.value);
  } else if (f.type == WireType::bytes) {
    if (f.bytes.size() % width) return false;
    for (size_t i = 0; i < f.bytes.size(); i += width)
      convert(is64 ? wire::load_le64(f.bytes.data() + i) : wire::load_le32(f.bytes.data() + i));
  }
  return true;
}

bool add_varints(const Field& f, Repeated& r, bool is32, bool unsigned16 = false) {
  auto convert = [&](uint64_t v) {
    if (unsigned16) r.add(static_cast<double>(static_cast<uint32_t>(v)));
    else r.add(is32 ? static_cast<double>(static_cast<int32_t>(v)) : static_cast<double>(static_cast<int64_t>(v)));
  };
  if (f.type == WireType::varint) {
    convert(f.value);
  } else if (f.type == WireType::bytes) {
    std::string_view in = f.bytes;
    uint64_t v = 0;
    while (!in.empty()) {
      if (!wire::read_varint(in, v)) return false;
      convert(v);
    }
  }
  return true;
}

// A shape is a scalar's when it has no dimensions or only dimensions of size 1.
std::optional<bool> is_scalar_shape(std::string_view bytes) {
  Reader shape(bytes);
  Field f;
  bool scalar = true;
  while (shape.next(f)) {
    if (f.number == 3 && f.type == WireType::varint && f.value) scalar = false;  // unknown_rank
    if (f.number != 2 || f.type != WireType::bytes) continue;
    Reader dim(f.bytes);
    Field d;
    int64_t size = 0;
    while (dim.next(d))
      if (d.number == 1 && d.type == WireType::varint) size = static_cast<int64_t>(d.value);
    if (dim.failed()) return std::nullopt;
    if (size != 1) scalar = false;
  }
  if (shape.failed()) return std::nullopt;
  return scalar;
}

// The one value of a scalar TensorProto in `out`, left empty for a tensor that is not a numeric
// scalar or whose elements do not match its type; false only for malformed wire bytes.
bool tensor_scalar(std::string_view bytes, std::optional<double>& out) {
  Reader tensor(bytes);
  Field f;
  uint64_t dtype = 0;
  bool scalar = true;
  std::string_view content;
  Repeated floats, doubles, halves, ints, int64s;
  while (tensor.next(f)) {
    bool ok = true;
    switch (f.number) {
      case 1:
        if (f.type == WireType::varint) dtype = f.value;
        break;
      case 2:
        if (f.type == WireType::bytes) {
          auto s = is_scalar_shape(f.bytes);
          if (!s) return false;
          scalar = *s;  // a message field seen twice merges; the later dimensions win for us
        }
        break;
      case 4:
        if (f.type == WireType::bytes) content = f.bytes;
        break;
      case 5: ok = add_fixed(f, floats, false); break;
      case 6: ok = add_fixed(f, doubles, true); break;
      case 7: ok = add_varints(f, ints, true); break;
      case 10: ok = add_varints(f, int64s, false); break;
      case 13: ok = add_varints(f, halves, true, true); break;
      default: break;
    }
    if (!ok) return false;
  }
  if (tensor.failed()) return false;
  if (!scalar) return true;

  // tensor_content, when present, holds the elements in little-endian layout and takes precedence
  // over the typed fields, as in TensorFlow's tensor_util.MakeNdarray.
  const auto* p = reinterpret_cast<const unsigned char*>(content.data());
  size_t width = 0;
  const Repeated* typed = nullptr;
  switch (dtype) {
    case dt_float: width = 4, typed = &floats; break;
    case dt_double: width = 8, typed = &doubles; break;
    case dt_half: case dt_bfloat16: width = 2, typed = &halves; break;
    case dt_int32: width = 4, typed = &ints; break;
    case dt_int64: width = 8, typed = &int64s; break;
    // Narrow integers keep scalars in int_val; their tensor_content is not worth the extra widths.
    case dt_int16: case dt_int8: case dt_uint8: case dt_uint16: typed = &ints; break;
    default: return true;  // strings, booleans, complex numbers: nothing to plot
  }
  if (!content.empty()) {
    if (content.size() != width) return true;
    uint64_t bits = width == 2 ? (p[0] | (p[1] << 8))
                    : width == 4 ? wire::load_le32(content.data())
                                 : wire::load_le64(content.data());
    switch (dtype) {
      case dt_float: out = from_f32_bits(static_cast<uint32_t>(bits)); break;
      case dt_double: out = from_f64_bits(bits); break;
      case dt_half: out = from_half_bits(static_cast<uint32_t>(bits)); break;
      case dt_bfloat16: out = from_bfloat16_bits(static_cast<uint32_t>(bits)); break;
      case dt_int32: out = static_cast<int32_t>(bits); break;
      default: out = static_cast<double>(static_cast<int64_t>(bits)); break;
    }
    return true;
  }
  if (typed->count != 1) return true;
  // half_val holds the raw 16 bits of a half or bfloat16 in an int32.
  if (dtype == dt_half) out = from_half_bits(static_cast<uint32_t>(typed->last));
  else if (dtype == dt_bfloat16) out = from_bfloat16_bits(static_cast<uint32_t>(typed->last));
  else out = typed->last;
  return true;
}

std::optional<std::string> plugin_name(std::string_view metadata) {
  Reader meta(metadata);
  Field f;
  std::string name;
  while (meta.next(f)) {
    if (f.number != 1 || f.type != WireType::bytes) continue;
    Reader plugin(f.bytes);
    Field p;
    while (plugin.next(p))
      if (p.number == 1 && p.type == WireType::bytes) name = std::string(p.bytes);
    if (plugin.failed()) return std::nullopt;
  }
  if (meta.failed()) return std::nullopt;
  return name;
}

// One Summary.Value: false when malformed; `out` set only for a scalar.
bool parse_value(std::string_view bytes, std::optional<Scalar>& out) {
  Reader value(bytes);
  Field f;
  std::string tag, plugin;
  // The value fields form a oneof: the last one present is the value.
  enum class Kind { none, simple, tensor, other } kind = Kind::none;
  double simple = 0;
  std::string_view tensor;
  while (value.next(f)) {
    switch (f.number) {
      case 1:
        if (f.type == WireType::bytes) tag = std::string(f.bytes);
        break;
      case 2:
        if (f.type == WireType::fixed32) kind = Kind::simple, simple = from_f32_bits(static_cast<uint32_t>(f.value));
        break;
      case 3: case 4: case 5: case 6:
        if (f.type == WireType::bytes) kind = Kind::other;
        break;
      case 8:
        if (f.type == WireType::bytes) kind = Kind::tensor, tensor = f.bytes;
        break;
      case 9:
        if (f.type == WireType::bytes) {
          auto name = plugin_name(f.bytes);
          if (!name) return false;
          if (!name->empty()) plugin = *name;
        }
        break;
      default: break;
    }
  }
  if (value.failed()) return false;
  if (kind == Kind::simple) {
    out = Scalar{std::move(tag), 0, 0, simple};
  } else if (kind == Kind::tensor) {
    std::optional<double> v;
    if (!tensor_scalar(tensor, v)) return false;
    // Other plugins (histograms, text, hparams, custom ones) keep their own data in tensors; a
    // tensor without any plugin name is taken as a plain scalar.
    if (v && (plugin.empty() || plugin == "scalars")) out = Scalar{std::move(tag), 0, 0, *v};
  }
  return true;
}

}  // namespace

std::optional<std::vector<Scalar>> parse_event(std::string_view bytes) {
  Reader event(bytes);
  Field f;
  double wall_time = 0;
  int64_t step = 0;
  std::vector<Scalar> scalars;
  while (event.next(f)) {
    if (f.number == 1 && f.type == WireType::fixed64) {
      wall_time = from_f64_bits(f.value);
    } else if (f.number == 2 && f.type == WireType::varint) {
      step = static_cast<int64_t>(f.value);
    } else if (f.number == 5 && f.type == WireType::bytes) {
      Reader summary(f.bytes);
      Field v;
      while (summary.next(v)) {
        if (v.number != 1 || v.type != WireType::bytes) continue;
        std::optional<Scalar> scalar;
        if (!parse_value(v.bytes, scalar)) return std::nullopt;
        if (scalar) scalars.push_back(std::move(*scalar));
      }
      if (summary.failed()) return std::nullopt;
    }
  }
  if (event.failed()) return std::nullopt;
  // step and wall_time may follow the summary on the wire.
  for (auto& s : scalars) s.step = step, s.wall_time = wall_time;
  return scalars;
}

}  // namespace mlops::stats
