// The model registry: names, integer versions, aliases and their history, kept in the catalog.
// Version numbers are never reused within a model, even after a delete.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/catalog.hpp"
#include "store/model_ref.hpp"

namespace mlops::store {

struct ModelVersion {
  std::string name;
  int64_t version = 0;
  std::string digest;  // hex of the file, or of the tree manifest for directories
  std::string type;    // "file" or "directory"
  uint64_t size = 0;   // bytes of content (sum of files for a directory)
  uint64_t files = 0;
  uint32_t mode = 0644;  // permission bits of the pushed file or top directory
  std::string source;  // base name of what was pushed; pull recreates it under this name
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json labels = nlohmann::json::object();
  std::vector<std::string> aliases;
  int64_t created_ms = 0;
  std::string created_by;
};

// The hex digest of the ML-health baseline a version carries (params "baseline": "sha256:HEX"),
// or "": a blob the version needs beside its own.
std::string baseline_of(const ModelVersion& v);

struct ModelEvent {
  int64_t at_ms = 0;
  std::string actor;
  std::string model;
  std::string action;  // "push", "alias", "delete"
  std::string alias;
  std::optional<int64_t> from_version;
  std::optional<int64_t> to_version;
};

struct ListFilter {
  std::string name;                                        // empty: every model
  std::vector<std::pair<std::string, std::string>> labels;  // all must match
};

struct AliasMove {
  std::optional<int64_t> from_version;
  int64_t to_version = 0;
};

class Registry {
 public:
  explicit Registry(Catalog& catalog) : catalog_(catalog) {}

  // Adds the next version of `v.name` (created if new) and returns it complete.
  ModelVersion add_version(ModelVersion v);
  // Adds `v` under its own version number (a copy from another store, whose numbering it keeps);
  // already here with the same digest, it is returned as it is.
  ModelVersion import_version(ModelVersion v);
  std::vector<ModelVersion> list(const ListFilter& filter);
  // The version a reference names; NAME means its latest version. Unknown names get a did-you-mean.
  ModelVersion resolve(const ModelRef& ref);
  // Deletes what `ref` names (NAME: the whole model) and returns the versions removed.
  std::vector<ModelVersion> remove(const ModelRef& ref, const std::string& actor, int64_t now_ms);
  AliasMove set_alias(const ModelRef& ref, const std::string& alias, const std::string& actor, int64_t now_ms);
  std::vector<ModelEvent> history(const std::string& name);
  std::vector<std::string> model_names();
  // Every digest a version points at (files and tree manifests).
  std::set<std::string> version_digests();
  size_t version_count();

 private:
  int64_t model_id(const std::string& name);  // throws not found
  [[noreturn]] void throw_unknown_model(const std::string& name);
  void record(const ModelEvent& event);
  ModelVersion insert_version(ModelVersion v);  // version 0: the next one
  Catalog& catalog_;
};

}  // namespace mlops::store
