#include "util/strings.hpp"

#include <doctest/doctest.h>

using namespace mlops::util;

TEST_CASE("did_you_mean suggests close names only") {
  CHECK(did_you_mean("chrun", {"churn", "fraud"}) == "churn");
  CHECK(did_you_mean("modle", {"init", "model", "store"}) == "model");
  CHECK(did_you_mean("xyz", {"churn", "fraud"}) == "");
  CHECK(did_you_mean("x", {}) == "");
  CHECK(did_you_mean("b", {"a"}) == "");
}

TEST_CASE("edit_distance counts a swap of neighbours as one edit") {
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("abc", "acb") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("human_bytes") {
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(1023) == "1023 B");
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(human_bytes(5ull << 20) == "5.0 MiB");
  CHECK(human_bytes(300ull << 30) == "300 GiB");
}

TEST_CASE("format_number round-trips with the fewest digits") {
  CHECK(format_number(0.91) == "0.91");
  CHECK(format_number(3) == "3");
  CHECK(format_number(2000) == "2000");
  CHECK(format_number(-5) == "-5");
  CHECK(format_number(1e-5) == "1e-05");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
}

TEST_CASE("split keeps empty fields") {
  CHECK(split("a b", ' ') == std::vector<std::string>{"a", "b"});
  CHECK(split("a::b", ':') == std::vector<std::string>{"a", "", "b"});
  CHECK(split("", ',') == std::vector<std::string>{""});
}

TEST_CASE("utf8_same_length keeps valid UTF-8 and replaces every other byte, one for one") {
  using mlops::util::utf8_same_length;
  CHECK(utf8_same_length("plain ascii\n") == "plain ascii\n");
  CHECK(utf8_same_length("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x99\x82") == "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x99\x82");
  CHECK(utf8_same_length("a\xffz") == "a?z");
  CHECK(utf8_same_length("cut \xe2\x82") == "cut ??");          // a character missing its end
  CHECK(utf8_same_length("\xc0\xaf") == "??");                  // an overlong '/'
  CHECK(utf8_same_length("\xed\xa0\x80") == "???");             // a surrogate
  CHECK(utf8_same_length("\xf4\x90\x80\x80") == "????");        // past U+10FFFF
  CHECK(utf8_same_length("\x80start") == "?start");
}
