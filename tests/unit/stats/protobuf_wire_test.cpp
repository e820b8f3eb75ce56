#include "stats/protobuf_wire.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "proto_builder.hpp"
#include "stats/crc32c.hpp"

using namespace mlops::stats;
using namespace mlops::testing;
using wire::Field;
using wire::Reader;
using wire::WireType;

namespace {

std::vector<Field> all_fields(const std::string& bytes, bool& failed) {
  Reader r(bytes);
  std::vector<Field> out;
  Field f;
  while (r.next(f)) out.push_back(f);
  failed = r.failed();
  return out;
}

}  // namespace

TEST_CASE("crc32c matches the Castagnoli check values") {
  CHECK(crc32c("123456789") == 0xe3069283u);
  CHECK(crc32c(std::string(32, '\0')) == 0x8a9136aau);
  CHECK(crc32c(std::string(32, '\xff')) == 0x62a8ab43u);
  CHECK(crc32c("") == 0u);
  uint32_t c = crc32c("123456789");
  CHECK(masked_crc32c("123456789") == ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST_CASE("varints decode up to ten bytes and no further") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, ~uint64_t{0}}) {
    std::string in = pb::varint(v);
    std::string_view view = in;
    uint64_t out = 1;
    REQUIRE(wire::read_varint(view, out));
    CHECK(out == v);
    CHECK(view.empty());
  }
  std::string_view truncated = "\x80\x80";
  uint64_t out = 0;
  CHECK_FALSE(wire::read_varint(truncated, out));
  std::string eleven(10, '\x80');
  eleven += '\x01';
  std::string_view too_long = eleven;
  CHECK_FALSE(wire::read_varint(too_long, out));
}

TEST_CASE("the reader returns every wire type and skips groups whole") {
  bool failed = true;
  const std::string message = pb::u(1, 150) + pb::f64(2, 2.5) + pb::bytes(3, "abc") +
                              pb::group(4, pb::u(1, 7) + pb::group(5, "")) + pb::f32(6, 1.0f);
  auto fields = all_fields(message, failed);  // the fields' bytes point into `message`
  CHECK_FALSE(failed);
  REQUIRE(fields.size() == 5);
  CHECK(fields[0].number == 1);
  CHECK(fields[0].value == 150);
  CHECK(fields[1].type == WireType::fixed64);
  CHECK(std::bit_cast<double>(fields[1].value) == 2.5);
  CHECK(fields[2].bytes == "abc");
  CHECK(fields[3].type == WireType::start_group);
  CHECK(fields[4].number == 6);
  CHECK(std::bit_cast<float>(static_cast<uint32_t>(fields[4].value)) == 1.0f);
}

TEST_CASE("malformed messages fail instead of reading past the end") {
  const std::string cases[] = {
      pb::key(1, 0),                                // varint missing
      pb::key(1, 1) + "1234567",                    // fixed64 one byte short
      pb::key(1, 5) + "123",                        // fixed32 one byte short
      pb::key(1, 2) + pb::varint(5) + "abcd",       // length past the end
      pb::key(1, 2) + pb::varint(~uint64_t{0}),     // length that would wrap a pointer
      pb::key(1, 3) + pb::u(2, 1),                  // group never closed
      pb::key(1, 3) + pb::key(2, 4),                // group closed with another number
      pb::key(1, 4),                                // end of a group never opened
      pb::key(1, 6),                                // wire types 6 and 7 do not exist
      pb::key(1, 7),
      pb::varint(0 << 3 | 0) + pb::varint(1),       // field number 0
      std::string(12, '\xff'),                      // a tag longer than any varint
  };
  for (const auto& bytes : cases) {
    CAPTURE(bytes);
    bool failed = false;
    all_fields(bytes, failed);
    CHECK(failed);
  }
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += pb::key(1, 3);
  for (int i = 0; i < 200; ++i) deep += pb::key(1, 4);
  bool failed = false;
  all_fields(deep, failed);
  CHECK(failed);  // nesting past the cap is refused rather than followed
}
