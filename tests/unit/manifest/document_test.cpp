#include "manifest/document.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::manifest;
using mlops::util::Error;

namespace {

struct Failure {
  std::string message, hint, detail;
};

template <typename F>
Failure failure(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.what(), e.hint(), e.detail()};
  }
  return {"no error", "", ""};
}

}  // namespace

TEST_CASE("unknown fields point at the key with a caret and a suggestion") {
  auto docs = parse_documents({"p.yaml", "kind: Pipeline\nspec:\n  engine: python\n  stpes: []\n"});
  REQUIRE(docs.size() == 1);
  auto spec = docs[0].at("spec");
  auto f = failure([&] { spec.only_keys({"engine", "steps", "args"}); });
  CHECK(f.message == "p.yaml:4:3: unknown field 'stpes' in 'spec'");
  CHECK(f.hint == "did you mean 'steps'?");
  CHECK(f.detail == " 4 |   stpes: []\n   |   ^\n");
}

TEST_CASE("syntax errors are located") {
  auto f = failure([] { parse_documents({"bad.yaml", "a: [1, 2\nb: 3\n"}); });
  CHECK(f.message.rfind("bad.yaml:", 0) == 0);
  CHECK(f.message.find("invalid YAML: ") != std::string::npos);
}

TEST_CASE("wrong types say what was expected and what was found") {
  auto doc = parse_documents({"t.yaml", "n: abc\nlist: {a: 1}\nflag: maybe\nengine: pyhton\n"})[0];
  CHECK(failure([&] { doc.at("n").as_int(); }).message == "t.yaml:1:4: expected an integer, found 'abc'");
  CHECK(failure([&] { doc.at("list").items(); }).message == "t.yaml:2:7: expected a list for 'list', found a map");
  CHECK(failure([&] { doc.at("flag").as_bool(); }).message == "t.yaml:3:7: expected true or false, found 'maybe'");
  auto choice = failure([&] { doc.at("engine").as_choice({"python", "process", "spark"}); });
  CHECK(choice.message == "t.yaml:4:9: 'engine' must be one of python, process, spark, not 'pyhton'");
  CHECK(choice.hint == "did you mean 'python'?");
  CHECK(failure([&] { doc.at("missing"); }).message == "t.yaml:1:1: missing field 'missing'");
}

TEST_CASE("duplicate keys are refused") {
  auto doc = parse_documents({"d.yaml", "a: 1\nb: 2\na: 3\n"})[0];
  CHECK(failure([&] { doc.only_keys({"a", "b"}); }).message == "d.yaml:3:1: duplicate field 'a'");
}

TEST_CASE("several documents, empty ones skipped") {
  CHECK(parse_documents({"m.yaml", "a: 1\n---\n---\nb: 2\n"}).size() == 2);
  CHECK(parse_documents({"e.yaml", ""}).empty());
}
