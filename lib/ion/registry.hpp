// IONs in the catalog. Every apply that changes an ION records a new revision (its canonical spec,
// the YAML as written, who, when and why); rollback re-applies an old revision as a new one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ion/manifest.hpp"
#include "pipeline/manifest.hpp"
#include "store/store.hpp"

namespace mlops::ion {

struct Revision {
  std::string name;
  int64_t revision = 0;
  nlohmann::json spec;  // canonical
  std::string source;   // YAML as applied
  std::string source_name;
  int64_t applied_ms = 0;
  std::string applied_by;
  std::string cause;
  bool current = false;
};

struct ApplyItem {
  IonManifest ion;
  std::string source;       // the YAML text of this document's file
  std::string source_name;  // its file name
};

struct ApplyResult {
  std::string name;
  std::string outcome;  // created, configured, unchanged
  int64_t revision = 0;
};

// Checks what an ION refers to: pipelines exist (in the store, or in `pending`, uploaded by the same
// apply), arguments are known, typed right and complete, and edges leave nodes that produce models
// and reach nodes that consume them. Errors are located in the manifest.
void check_references(store::Store& store, const IonManifest& ion,
                      const std::map<std::string, pipeline::PipelineManifest>& pending);

// Each ION once in one apply, or an error located at the second.
void check_once_each(const std::vector<ApplyItem>& items);

// Applies every item in one transaction: all or nothing. With dry_run nothing is written.
std::vector<ApplyResult> apply_ions(store::Store& store, const std::vector<ApplyItem>& items, const std::string& actor,
                                    int64_t now_ms, const std::string& cause, bool dry_run);

std::vector<Revision> list_ions(store::Store& store);  // current revision of each
Revision current_revision(store::Store& store, const std::string& name);  // not found: did-you-mean
std::vector<Revision> ion_history(store::Store& store, const std::string& name);
ApplyResult rollback_ion(store::Store& store, const std::string& name, int64_t to_revision, const std::string& actor,
                         int64_t now_ms);
void delete_ion(store::Store& store, const std::string& name);

// The manifest of a stored revision, parsed again from the YAML it was applied with.
IonManifest load_revision(const Revision& r);

}  // namespace mlops::ion
