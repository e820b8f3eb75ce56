#include "store/model_ref.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::store;
using mlops::util::Error;
using mlops::util::Exit;

TEST_CASE("every reference form parses") {
  auto r = parse_model_ref("churn");
  CHECK(r.kind == ModelRef::Kind::name);
  CHECK(r.name == "churn");
  r = parse_model_ref("churn:12");
  CHECK(r.kind == ModelRef::Kind::version);
  CHECK(r.version == 12);
  r = parse_model_ref("churn@prod");
  CHECK(r.kind == ModelRef::Kind::alias);
  CHECK(r.alias == "prod");
  r = parse_model_ref("sha256:" + std::string(64, 'e'));
  CHECK(r.kind == ModelRef::Kind::digest);
  CHECK(r.digest == std::string(64, 'e'));
  CHECK(parse_model_ref("My.Model_v2-b").name == "My.Model_v2-b");
}

TEST_CASE("malformed references are usage errors that say why") {
  auto why = [](const std::string& text) {
    try {
      parse_model_ref(text);
    } catch (const Error& e) {
      CHECK(e.code() == Exit::usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(why("churn:") == "invalid model reference 'churn:': version must be a positive integer");
  CHECK(why("churn:-1") == "invalid model reference 'churn:-1': version must be a positive integer");
  CHECK(why("churn:99999999999999999999") == "invalid model reference 'churn:99999999999999999999': version must be a positive integer");
  CHECK(why("churn@") == "invalid model reference 'churn@': alias '': it is empty");
  CHECK(why("@prod") == "invalid model reference '@prod': model name '': it is empty");
  CHECK(why("_x") == "invalid model reference '_x': model name '_x': it must start with a letter or digit");
  CHECK(why(std::string(129, 'a')).find("longer than 128 characters") != std::string::npos);
  CHECK(why("sha256:XYZ") == "invalid model reference 'sha256:XYZ': a digest is 64 lower-case hex characters");
}

TEST_CASE("aliases never look like versions") {
  CHECK_NOTHROW(validate_alias("prod"));
  CHECK_NOTHROW(validate_alias("canary-2"));
  CHECK_THROWS_AS(validate_alias("2"), Error);
  CHECK_THROWS_AS(validate_alias("Prod"), Error);
  CHECK_THROWS_AS(validate_alias("a b"), Error);
}
