#include "cli/output.hpp"

#include "api/documents.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <ostream>

namespace mlops::cli {

using nlohmann::json;

json document(const std::string& kind, const json& body) { return api::document(kind, body); }

bool structured_output(const Env& env) { return env.global.output == "json" || env.global.output == "yaml"; }

// Columns are aligned by characters, not bytes: sparklines and names may be UTF-8.
static size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void print_table(Env& env, const Table& table) {
  bool wide = env.global.output == "wide";
  std::vector<size_t> shown;
  for (size_t i = 0; i < table.columns.size(); ++i)
    if (wide || !table.columns[i].wide_only) shown.push_back(i);
  std::vector<size_t> width(table.columns.size(), 0);
  if (!env.global.no_headers)
    for (size_t i : shown) width[i] = table.columns[i].header.size();
  for (const auto& row : table.rows)
    for (size_t i : shown) width[i] = std::max(width[i], display_width(row[i]));
  auto line = [&](auto cell) {
    std::string text;
    for (size_t k = 0; k < shown.size(); ++k) {
      std::string c = cell(shown[k]);
      text += c;
      if (k + 1 < shown.size()) text += std::string(width[shown[k]] - display_width(c) + 3, ' ');
    }
    env.out << text << "\n";
  };
  if (!env.global.no_headers) line([&](size_t i) { return table.columns[i].header; });
  for (const auto& row : table.rows) line([&](size_t i) { return row[i]; });
}

static void emit(YAML::Emitter& y, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      if (v.empty()) y << YAML::Flow;
      y << YAML::BeginMap;
      for (auto it = v.begin(); it != v.end(); ++it) {
        y << YAML::Key << it.key() << YAML::Value;
        emit(y, it.value());
      }
      y << YAML::EndMap;
      break;
    case json::value_t::array:
      if (v.empty()) y << YAML::Flow;
      y << YAML::BeginSeq;
      for (const auto& item : v) emit(y, item);
      y << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      // Quote what a YAML reader would otherwise take for a number, boolean or null.
      char* end = nullptr;
      std::strtod(s.c_str(), &end);
      static const char* const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "True", "False", "Null"};
      bool quote = s.empty() || (end && *end == '\0') || std::find(std::begin(words), std::end(words), s) != std::end(words);
      if (quote)
        y << YAML::DoubleQuoted << s;
      else
        y << s;
      break;
    }
    case json::value_t::null:
      y << YAML::Null;
      break;
    default:
      y << v.dump();
  }
}

std::string to_yaml(const json& value) {
  YAML::Emitter y;
  emit(y, value);
  return std::string(y.c_str()) + "\n";
}

void print_document(Env& env, const json& doc) {
  if (env.global.output == "yaml")
    env.out << to_yaml(doc);
  else
    env.out << doc.dump(2) << "\n";
}

void print_list(Env& env, const std::string& kind, const json& items, const Table& table,
                const std::vector<std::string>& names) {
  if (structured_output(env)) {
    print_document(env, document(kind + "List", {{"items", items}}));
  } else if (env.global.output == "name") {
    for (const auto& n : names) env.out << n << "\n";
  } else {
    print_table(env, table);
  }
}

void print_fields(Env& env, const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, k.size());
  for (const auto& [k, v] : fields) env.out << k << ":" << std::string(width - k.size() + 2, ' ') << v << "\n";
}

void print_mutation(Env& env, const std::string& line) {
  if (!env.global.quiet) env.out << line << "\n";
}

void print_result(Env& env, const json& doc, const std::vector<std::string>& names,
                  const std::vector<std::string>& lines) {
  if (structured_output(env)) {
    print_document(env, doc);
  } else if (env.global.output == "name") {
    for (const auto& n : names) env.out << n << "\n";
  } else {
    for (const auto& l : lines) print_mutation(env, l);
  }
}

}  // namespace mlops::cli
