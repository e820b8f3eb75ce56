// YAML manifests with located errors. Parsers take text (and a name for messages), never paths.
// Every error names file:line:col, says what was expected, shows the line with a caret under the
// offending spot, and suggests the nearest valid name where there is one:
//
//   mlops: error: ion.yaml:12:5: unknown field 'schedul' [did you mean 'schedule'?]
//      12 |     schedul: "0 10 * * 2"
//         |     ^
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::manifest {

struct Source {
  std::string name;  // file name as the user gave it, or "<stdin>"
  std::string text;
};

// A node of a manifest together with where it came from.
class Value {
 public:
  Value(YAML::Node node, std::shared_ptr<const Source> source, std::string path, YAML::Mark mark);

  // "spec.steps[2].run", for messages that have no better place.
  const std::string& path() const { return path_; }
  bool is_map() const { return node_.IsMap(); }
  bool is_seq() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_ || node_.IsNull(); }

  // Throws a usage error located at this node.
  [[noreturn]] void fail(const std::string& message, const std::string& hint = {}) const;

  std::string as_string() const;
  int64_t as_int() const;
  double as_number() const;
  bool as_bool() const;

  // Map access. `has` is false for absent keys; `at` fails with "missing field" at the map.
  bool has(const std::string& key) const;
  Value at(const std::string& key) const;
  // Keys in document order.
  std::vector<std::pair<std::string, Value>> entries() const;
  // Fails on any key not in `allowed` (with a did-you-mean) and on duplicated keys.
  void only_keys(const std::vector<std::string>& allowed) const;
  // Sequence items.
  std::vector<Value> items() const;

  // A name made of a letter or '_' and then letters, digits, '_' or '-'; `what` names it in the
  // error ("step name").
  std::string as_identifier(const std::string& what) const;
  // A map or a list of strings.
  std::map<std::string, std::string> as_string_map() const;
  std::vector<std::string> as_string_list() const;

  // Checks the value is one of `choices` (as a string) and returns it.
  std::string as_choice(const std::vector<std::string>& choices) const;

 private:
  void expect_map() const;
  YAML::Node node_;
  std::shared_ptr<const Source> source_;
  std::string path_;
  YAML::Mark mark_;
};

// Parses every YAML document in `source` ('---' separated; empty documents skipped). A syntax
// error is reported at its position like any other manifest error.
std::vector<Value> parse_documents(const Source& source);

// The located error for `source` at 0-based line/column.
[[noreturn]] void fail_at(const Source& source, int line, int column, const std::string& message,
                          const std::string& hint = {});

}  // namespace mlops::manifest
