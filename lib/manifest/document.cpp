#include "manifest/document.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::manifest {

using util::Error;
using util::Exit;

static std::string source_line(const std::string& text, int line) {
  auto lines = util::split(text, '\n');
  if (line < 0 || static_cast<size_t>(line) >= lines.size()) return "";
  std::string l = lines[static_cast<size_t>(line)];
  if (!l.empty() && l.back() == '\r') l.pop_back();
  return l;
}

void fail_at(const Source& source, int line, int column, const std::string& message, const std::string& hint) {
  line = std::max(line, 0);
  column = std::max(column, 0);
  std::string number = std::to_string(line + 1);
  std::string text = source_line(source.text, line);
  std::string gutter(number.size() + 1, ' ');
  std::string caret_pad;
  // Keep tabs so the caret lines up under the same characters in a terminal.
  for (int i = 0; i < column && static_cast<size_t>(i) < text.size(); ++i) caret_pad += text[static_cast<size_t>(i)] == '\t' ? '\t' : ' ';
  std::string detail = " " + number + " | " + text + "\n" + gutter + " | " + caret_pad + "^\n";
  throw Error(Exit::usage, source.name + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message,
              hint, detail);
}

Value::Value(YAML::Node node, std::shared_ptr<const Source> source, std::string path, YAML::Mark mark)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)), mark_(mark) {
  if (node_ && node_.Mark().line >= 0) mark_ = node_.Mark();
}

void Value::fail(const std::string& message, const std::string& hint) const {
  fail_at(*source_, mark_.line, mark_.column, message, hint);
}

static std::string describe(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

std::string Value::as_string() const {
  if (!is_scalar()) fail("expected a string, found " + describe(node_));
  return node_.Scalar();
}

int64_t Value::as_int() const {
  if (is_scalar()) {
    try {
      return node_.as<int64_t>();
    } catch (const YAML::Exception&) {
    }
  }
  fail("expected an integer, found " + describe(node_));
}

double Value::as_number() const {
  if (is_scalar()) {
    try {
      return node_.as<double>();
    } catch (const YAML::Exception&) {
    }
  }
  fail("expected a number, found " + describe(node_));
}

bool Value::as_bool() const {
  if (is_scalar() && (node_.Scalar() == "true" || node_.Scalar() == "false")) return node_.Scalar() == "true";
  fail("expected true or false, found " + describe(node_));
}

void Value::expect_map() const {
  if (!is_map()) fail("expected a map" + std::string(path_.empty() ? "" : " for '" + path_ + "'") + ", found " + describe(node_));
}

bool Value::has(const std::string& key) const {
  expect_map();
  return static_cast<bool>(node_[key]);
}

Value Value::at(const std::string& key) const {
  expect_map();
  YAML::Node child = node_[key];
  std::string child_path = path_.empty() ? key : path_ + "." + key;
  if (!child) fail("missing field '" + child_path + "'");
  return Value(child, source_, child_path, mark_);
}

std::vector<std::pair<std::string, Value>> Value::entries() const {
  expect_map();
  std::vector<std::pair<std::string, Value>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.Scalar();
    out.emplace_back(key, Value(it->second, source_, path_.empty() ? key : path_ + "." + key, it->first.Mark()));
  }
  return out;
}

void Value::only_keys(const std::vector<std::string>& allowed) const {
  expect_map();
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Mark& mark = it->first.Mark();
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    if (!seen.insert(key).second) fail_at(*source_, mark.line, mark.column, "duplicate field '" + key + "'");
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string guess = util::did_you_mean(key, allowed);
    std::string where = path_.empty() ? "" : " in '" + path_ + "'";
    fail_at(*source_, mark.line, mark.column, "unknown field '" + key + "'" + where,
            guess.empty() ? "expected one of: " + [&] {
              std::string all;
              for (const auto& a : allowed) all += (all.empty() ? "" : ", ") + a;
              return all;
            }()
                          : "did you mean '" + guess + "'?");
  }
}

std::vector<Value> Value::items() const {
  if (!is_seq()) fail("expected a list" + std::string(path_.empty() ? "" : " for '" + path_ + "'") + ", found " + describe(node_));
  std::vector<Value> out;
  size_t i = 0;
  for (const auto& item : node_) out.emplace_back(item, source_, path_ + "[" + std::to_string(i++) + "]", mark_);
  return out;
}

std::string Value::as_identifier(const std::string& what) const {
  std::string s = as_string();
  bool ok = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
            std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
  if (!ok) fail(what + " '" + s + "' must be a letter or '_' followed by letters, digits, '_' or '-'");
  return s;
}

std::map<std::string, std::string> Value::as_string_map() const {
  std::map<std::string, std::string> out;
  for (const auto& [k, item] : entries()) out[k] = item.as_string();
  return out;
}

std::vector<std::string> Value::as_string_list() const {
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(item.as_string());
  return out;
}

std::string Value::as_choice(const std::vector<std::string>& choices) const {
  std::string v = as_string();
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  std::string all;
  for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
  std::string guess = util::did_you_mean(v, choices);
  fail("'" + path_ + "' must be one of " + all + ", not '" + v + "'", guess.empty() ? "" : "did you mean '" + guess + "'?");
}

std::vector<Value> parse_documents(const Source& source) {
  auto shared = std::make_shared<const Source>(source);
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(source.text);
  } catch (const YAML::ParserException& e) {
    fail_at(source, e.mark.line, e.mark.column, "invalid YAML: " + e.msg);
  }
  std::vector<Value> out;
  for (const auto& d : docs)
    if (d && !d.IsNull()) out.emplace_back(d, shared, "", d.Mark());
  return out;
}

}  // namespace mlops::manifest
