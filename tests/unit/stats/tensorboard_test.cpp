#include "stats/tensorboard.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.hpp"
#include "proto_builder.hpp"
#include "util/fs.hpp"

using namespace mlops::stats;
using namespace mlops::testing;

namespace {

// Event files written by tensorboardX (tests/tensorboard/write_events.py), beside this source.
const std::string fixtures = (std::filesystem::path(__FILE__).parent_path() / "data").string();

void append(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

std::vector<Scalar> parse(const std::string& bytes) {
  auto scalars = parse_event(bytes);
  REQUIRE(scalars);
  return *scalars;
}

std::optional<double> only_value(const std::string& summary_values) {
  auto scalars = parse(pb::event(1, 0, summary_values));
  if (scalars.empty()) return std::nullopt;
  REQUIRE(scalars.size() == 1);
  return scalars[0].value;
}

std::string shape(std::initializer_list<int64_t> dims) {
  std::string s;
  for (auto d : dims) s += pb::bytes(2, pb::u(1, static_cast<uint64_t>(d)));
  return pb::bytes(2, s);
}

}  // namespace

TEST_CASE("a simple_value scalar carries the event's step and wall time") {
  auto scalars = parse(pb::event(42, 1700000000.5, pb::simple("loss", 0.25f) + pb::simple("acc", 0.75f)));
  REQUIRE(scalars.size() == 2);
  CHECK(scalars[0].tag == "loss");
  CHECK(scalars[0].step == 42);
  CHECK(scalars[0].wall_time == 1700000000.5);
  CHECK(scalars[0].value == 0.25);
  CHECK(scalars[1].tag == "acc");
  CHECK(scalars[1].value == 0.75);
  // Step and wall time after the summary on the wire apply all the same.
  auto late = parse(pb::bytes(5, pb::simple("x", 1)) + pb::u(2, 7) + pb::f64(1, 3.0));
  REQUIRE(late.size() == 1);
  CHECK(late[0].step == 7);
  CHECK(late[0].wall_time == 3.0);
  CHECK(parse(pb::u(2, static_cast<uint64_t>(-5)) + pb::bytes(5, pb::simple("x", 1)))[0].step == -5);
}

TEST_CASE("scalar tensors decode in every encoding writers use") {
  using pb::bytes, pb::u;
  const std::string plugin = pb::scalars_plugin();
  // float_val, packed (proto3's default) and one element per field.
  CHECK(only_value(pb::tensor_value("t", u(1, 1) + bytes(5, pb::packed_f32(1.5f)), plugin)) == 1.5);
  CHECK(only_value(pb::tensor_value("t", u(1, 1) + pb::f32(5, -2.5f))) == -2.5);
  // double_val keeps every bit of a double.
  CHECK(only_value(pb::tensor_value("t", u(1, 2) + bytes(6, pb::packed_f64(0.1)), plugin)) == 0.1);
  CHECK(only_value(pb::tensor_value("t", u(1, 2) + pb::f64(6, 1.0 / 3))) == 1.0 / 3);
  // tensor_content: raw little-endian float32 and float64, with and without an explicit [] shape.
  CHECK(only_value(pb::tensor_value("t", u(1, 1) + bytes(4, pb::packed_f32(2.75f)))) == 2.75);
  CHECK(only_value(pb::tensor_value("t", u(1, 2) + bytes(2, "") + bytes(4, pb::packed_f64(0.1)))) == 0.1);
  // A shape of all ones still holds one element.
  CHECK(only_value(pb::tensor_value("t", u(1, 1) + shape({1, 1}) + bytes(5, pb::packed_f32(4)))) == 4);
  // half_val holds the 16 bits of a half: 0x3e00 is 1.5, 0xc000 is -2, 0x0001 the smallest subnormal.
  CHECK(only_value(pb::tensor_value("t", u(1, 19) + bytes(13, pb::varint(0x3e00)))) == 1.5);
  CHECK(only_value(pb::tensor_value("t", u(1, 19) + u(13, 0xc000))) == -2.0);
  CHECK(only_value(pb::tensor_value("t", u(1, 19) + u(13, 1))) == std::ldexp(1.0, -24));
  CHECK(only_value(pb::tensor_value("t", u(1, 19) + bytes(4, std::string("\x00\x3c", 2)))) == 1.0);
  // Integers, as some writers log counters.
  CHECK(only_value(pb::tensor_value("t", u(1, 3) + u(7, static_cast<uint64_t>(-3)))) == -3);
  CHECK(only_value(pb::tensor_value("t", u(1, 9) + bytes(10, pb::varint(1ull << 40)))) == 1099511627776.0);
}

TEST_CASE("values that are not scalars are skipped, the rest of the event kept") {
  using pb::bytes, pb::u;
  const std::string scalar = pb::simple("kept", 1);
  const std::string not_scalars[] = {
      pb::tensor_value("vector", u(1, 1) + shape({3}) + bytes(5, pb::packed_f32(1) + pb::packed_f32(2) + pb::packed_f32(3))),
      pb::tensor_value("two", u(1, 1) + bytes(5, pb::packed_f32(1) + pb::packed_f32(2))),
      pb::tensor_value("empty", u(1, 1) + shape({0})),
      pb::tensor_value("unknown_rank", u(1, 1) + bytes(2, u(3, 1)) + pb::f32(5, 1)),
      pb::tensor_value("no_elements", u(1, 1)),
      pb::tensor_value("short_content", u(1, 1) + bytes(4, "abc")),
      pb::tensor_value("long_content", u(1, 2) + bytes(4, pb::packed_f64(1) + "x")),
      pb::tensor_value("string", u(1, 7) + bytes(8, "hello")),
      pb::tensor_value("histogram_plugin", u(1, 1) + pb::f32(5, 1), bytes(9, bytes(1, bytes(1, "histograms")))),
      bytes(1, bytes(1, "image") + bytes(4, u(1, 2))),
      bytes(1, bytes(1, "no_value")),
      // A oneof: the value last on the wire wins, here a histogram after a simple_value.
      bytes(1, bytes(1, "replaced") + pb::f32(2, 1) + bytes(5, pb::f64(1, 0))),
  };
  for (const auto& value : not_scalars) {
    CAPTURE(value);
    auto scalars = parse(pb::event(1, 0, value + scalar));
    REQUIRE(scalars.size() == 1);
    CHECK(scalars[0].tag == "kept");
  }
  CHECK(parse(pb::f64(1, 1.0) + pb::bytes(3, "brain.Event:2")).empty());
}

TEST_CASE("unknown fields of every wire type are skipped at every level") {
  using pb::bytes, pb::u;
  std::string x = pb::unknown_fields();
  std::string tensor = x + u(1, 2) + x + bytes(2, x + bytes(2, x + u(1, 1) + x) + x) + bytes(6, pb::packed_f64(0.5)) + x;
  std::string metadata = bytes(9, x + bytes(1, x + bytes(1, "scalars") + x) + x);
  std::string value = bytes(1, x + bytes(1, "t") + x + bytes(8, tensor) + metadata + x);
  auto scalars = parse(x + pb::f64(1, 2.0) + x + u(2, 3) + bytes(5, x + value + x) + x);
  REQUIRE(scalars.size() == 1);
  CHECK(scalars[0].tag == "t");
  CHECK(scalars[0].step == 3);
  CHECK(scalars[0].value == 0.5);
  // A known field with the wrong wire type is an unknown field too.
  CHECK(only_value(pb::u(1, 1) + pb::simple("t", 2)) == 2);
}

TEST_CASE("truncated and garbage bytes are not an event, and never crash") {
  std::string good = pb::event(5, 1.0, pb::simple("loss", 1) +
                                           pb::tensor_value("t", pb::u(1, 2) + pb::bytes(6, pb::packed_f64(2))));
  REQUIRE(parse(good).size() == 2);
  CHECK_FALSE(parse_event(good.substr(0, good.size() - 1)));
  CHECK_FALSE(parse_event("\xff\xff\xff"));
  CHECK_FALSE(parse_event(pb::bytes(5, pb::bytes(1, pb::key(1, 2) + pb::varint(100)))));  // inner length lies
  CHECK_FALSE(parse_event(pb::bytes(5, pb::simple("t", 1) + pb::key(3, 4))));
  // Every prefix and every single-byte change is either an event or not; none may read out of
  // bounds (the sanitizer build checks that).
  for (size_t n = 0; n <= good.size(); ++n) (void)parse_event(good.substr(0, n));
  for (size_t i = 0; i < good.size(); ++i)
    for (int b : {0x00, 0x01, 0x7f, 0x80, 0xff, good[i] ^ 0x08}) {
      std::string bad = good;
      bad[i] = static_cast<char>(b);
      (void)parse_event(bad);
    }
}

TEST_CASE("a record written in pieces is returned once, when complete") {
  TempDir dir;
  std::string path = dir / "events.out.tfevents.1";
  EventFileReader reader(path, "run/");
  CHECK(reader.poll().empty());  // not created yet
  std::string first = pb::record(pb::event(1, 10, pb::simple("loss", 1)));
  std::string second = pb::record(pb::event(2, 20, pb::simple("loss", 2)));
  std::string bytes = first + second;
  std::vector<Scalar> seen;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    append(path, bytes.substr(i, 3));
    auto got = reader.poll();
    if (i + 3 < first.size()) CHECK(got.empty());
    seen.insert(seen.end(), got.begin(), got.end());
  }
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].tag == "run/loss");
  CHECK(seen[0].step == 1);
  CHECK(seen[1].value == 2);
  CHECK(reader.poll().empty());
  CHECK(reader.corrupt_records() == 0);
}

TEST_CASE("a payload that fails its CRC is counted and skipped; the next record is read") {
  TempDir dir;
  std::string path = dir / "events.out.tfevents.1";
  std::string bad = pb::record(pb::event(1, 0, pb::simple("loss", 1)));
  bad[14] ^= 0x01;  // a payload byte: its CRC no longer matches
  std::string not_event = pb::record("\xff\xff");  // checksummed, but not protobuf
  append(path, bad + not_event + pb::record(pb::event(2, 0, pb::simple("loss", 2))));
  EventFileReader reader(path);
  auto scalars = reader.poll();
  REQUIRE(scalars.size() == 1);
  CHECK(scalars[0].step == 2);
  CHECK(reader.corrupt_records() == 2);
  CHECK_FALSE(reader.broken());
  append(path, pb::record(pb::event(3, 0, pb::simple("loss", 3))));
  CHECK(reader.poll().size() == 1);
}

TEST_CASE("a length that fails its CRC stops the file for good") {
  TempDir dir;
  std::string path = dir / "events.out.tfevents.1";
  std::string bad = pb::record(pb::event(2, 0, pb::simple("loss", 2)));
  bad[0] ^= 0x01;
  append(path, pb::record(pb::event(1, 0, pb::simple("loss", 1))) + bad +
                   pb::record(pb::event(3, 0, pb::simple("loss", 3))));
  EventFileReader reader(path);
  auto scalars = reader.poll();
  REQUIRE(scalars.size() == 1);
  CHECK(scalars[0].step == 1);
  CHECK(reader.corrupt_records() == 1);
  CHECK(reader.broken());
  append(path, pb::record(pb::event(4, 0, pb::simple("loss", 4))));
  CHECK(reader.poll().empty());
  CHECK(reader.corrupt_records() == 1);

  // A length with a good CRC but beyond the cap is not allocated: also lost framing.
  std::string huge = pb::le(EventFileReader::max_record_size + 1, 8);
  append(dir / "events.out.tfevents.2", huge + pb::le(masked_crc32c(huge), 4));
  EventFileReader capped(dir / "events.out.tfevents.2");
  CHECK(capped.poll().empty());
  CHECK(capped.broken());
  CHECK(capped.corrupt_records() == 1);
}

TEST_CASE("tensorboardX fixture: every encoding, skipped values, exact numbers") {
  EventFileReader reader(fixtures + "/events.out.tfevents.fixture");
  auto scalars = reader.poll();
  CHECK(reader.corrupt_records() == 0);
  REQUIRE(scalars.size() == 20);
  for (int step = 0; step < 3; ++step) {
    const Scalar* s = &scalars[static_cast<size_t>(step) * 6];
    CAPTURE(step);
    CHECK(s[0].tag == "loss");
    CHECK(s[0].value == static_cast<double>(static_cast<float>(0.5 / (step + 1))));
    const char* tensors[] = {"tensor/float_val", "tensor/double_val", "tensor/content_f32", "tensor/content_f64"};
    for (int i = 0; i < 4; ++i) {
      CHECK(s[i + 1].tag == tensors[i]);
      CHECK(s[i + 1].value == 1.5 + step);
    }
    CHECK(s[5].tag == "tensor/half_val");
    CHECK(s[5].value == 0.25 * step);
    for (int i = 0; i < 6; ++i) {
      CHECK(s[i].step == step);
      CHECK(s[i].wall_time == 1700000000.0 + step);
    }
  }
  CHECK(scalars[18].tag == "precise/double_val");
  CHECK(scalars[18].value == 0.1);
  CHECK(scalars[19].tag == "precise/content_f64");
  CHECK(scalars[19].value == 1.0 / 3);
  CHECK(scalars[19].step == 4);
  CHECK(scalars[19].wall_time == 1700000004.5);
}

TEST_CASE("tensorboardX fixture read while it grows gives the same scalars") {
  std::string bytes = mlops::util::read_file(fixtures + "/events.out.tfevents.fixture");
  auto whole = EventFileReader(fixtures + "/events.out.tfevents.fixture").poll();
  TempDir dir;
  EventFileReader reader(dir / "events.out.tfevents.copy");
  std::vector<Scalar> pieces;
  for (size_t i = 0; i < bytes.size(); i += 37) {
    append(dir / "events.out.tfevents.copy", bytes.substr(i, 37));
    auto got = reader.poll();
    pieces.insert(pieces.end(), got.begin(), got.end());
  }
  REQUIRE(pieces.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(pieces[i].tag == whole[i].tag);
    CHECK(pieces[i].step == whole[i].step);
    CHECK(pieces[i].value == whole[i].value);
  }
}

TEST_CASE("the watcher prefixes subdirectories, orders files by path and picks up new ones") {
  TensorBoardWatcher fixture(fixtures);
  auto scalars = fixture.poll();
  REQUIRE(scalars.size() == 22);
  CHECK(scalars[0].tag == "loss");
  CHECK(scalars[20].tag == "train/epoch_loss");
  CHECK(scalars[20].value == 2.0);
  CHECK(scalars[21].step == 1);
  CHECK(scalars[21].wall_time == 1700000101.0);
  CHECK(fixture.poll().empty());

  TempDir dir;
  TensorBoardWatcher watcher(dir / "logs");
  CHECK(watcher.poll().empty());  // the directory does not exist yet
  std::filesystem::create_directories(dir / "logs/validation/deep");
  append(dir / "logs/notes.txt", pb::record(pb::event(1, 0, pb::simple("ignored", 1))));
  append(dir / "logs/validation/deep/events.out.tfevents.b", pb::record(pb::event(1, 0, pb::simple("acc", 1))));
  append(dir / "logs/events.out.tfevents.a", pb::record(pb::event(1, 0, pb::simple("loss", 1))));
  scalars = watcher.poll();
  REQUIRE(scalars.size() == 2);
  CHECK(scalars[0].tag == "loss");
  CHECK(scalars[1].tag == "validation/deep/acc");
  append(dir / "logs/events.out.tfevents.a", pb::record(pb::event(2, 0, pb::simple("loss", 2))) + "\x01\x02");
  append(dir / "logs/events.out.tfevents.c", pb::record(pb::event(1, 0, pb::simple("lr", 3))));
  scalars = watcher.poll();
  REQUIRE(scalars.size() == 2);
  CHECK(scalars[0].step == 2);
  CHECK(scalars[1].tag == "lr");
  CHECK(watcher.corrupt_records() == 0);
  CHECK(watcher.errors().empty());
}
