// The output contract: -o table|wide|json|yaml|name. JSON and YAML documents carry apiVersion and
// kind and are the stable scripting interface; tables are for people and may change.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/env.hpp"

namespace mlops::cli {

inline constexpr const char* kApiVersion = "mlops/v1";

struct Column {
  std::string header;
  bool wide_only = false;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
};

// {"apiVersion": "mlops/v1", "kind": kind, ...body}
nlohmann::json document(const std::string& kind, const nlohmann::json& body);

// Table (or wide) in aligned columns, headers unless --no-headers.
void print_table(Env& env, const Table& table);
// The document as JSON or YAML, whichever -o asks for.
void print_document(Env& env, const nlohmann::json& doc);
bool structured_output(const Env& env);

// A list in any format: rows for table/wide, `names` for name, a "<kind>List" document otherwise.
void print_list(Env& env, const std::string& kind, const nlohmann::json& items, const Table& table,
                const std::vector<std::string>& names);

// Describe-style "Key:  value" lines for one object.
void print_fields(Env& env, const std::vector<std::pair<std::string, std::string>>& fields);

// The line a mutation prints on stdout ("model/churn:3 pushed"), silent with -q.
void print_mutation(Env& env, const std::string& line);

// A command's result in whichever face -o asks for: `doc` for json/yaml, `names` for name, and the
// mutation `lines` ("kind/name verb") otherwise.
void print_result(Env& env, const nlohmann::json& doc, const std::vector<std::string>& names,
                  const std::vector<std::string>& lines);

std::string to_yaml(const nlohmann::json& value);

}  // namespace mlops::cli
