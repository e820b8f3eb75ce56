// The store: blobs plus catalog under one directory, and the operations that need both.
//
//   <root>/catalog.db           SQLite catalog (WAL)
//   <root>/blobs/sha256/ab/...  content-addressed blobs
//   <root>/tmp/                 temporary files of writes in progress
//   <root>/lock                 flock: writers shared, gc exclusive
//
// Every push writes its blobs first and commits the catalog row last, so a crash at any instant
// leaves either a complete, visible version or none (plus garbage that gc removes).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "store/blob_store.hpp"
#include "store/catalog.hpp"
#include "store/registry.hpp"
#include "store/tree.hpp"
#include "util/fs.hpp"

namespace mlops::store {

struct PushRequest {
  std::string path;
  std::string name;
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json labels = nlohmann::json::object();
  std::string actor;
  int64_t now_ms = 0;
};

struct PullResult {
  ModelVersion version;
  std::string path;  // what was written
};

class Store {
 public:
  // $XDG_DATA_HOME/mlops, else ~/.local/share/mlops.
  static std::string default_root();
  static bool exists(const std::string& root);

  enum class Open { existing, create };
  // Open::existing refuses a directory that is not a store (not found); Open::create makes one.
  Store(std::string root, Open mode);

  const std::string& root() const { return root_; }
  BlobStore& blobs() { return blobs_; }
  Catalog& catalog() { return *catalog_; }
  Registry& registry() { return *registry_; }

  ModelVersion push(const PushRequest& request);
  // The blobs of a push, stored, and the version that would name them (number 0, not recorded):
  // what a client sends to a server.
  ModelVersion stage(const PushRequest& request);
  // Writes the version into `dest_dir` under its source name; refuses to replace an existing path
  // unless `force`.
  PullResult pull(const ModelRef& ref, const std::string& dest_dir, bool force);
  // The same for a version described elsewhere (a server's) whose blobs are here.
  PullResult write_version(const ModelVersion& v, const std::string& dest_dir, bool force);
  Tree read_tree(const std::string& hex) const { return Tree::parse(blobs_.read_verified(hex), hex); }

  // Writers hold the lock shared; gc holds it exclusive so it never removes a blob whose catalog
  // row is about to be committed.
  util::Fd lock(bool exclusive) const;

 private:
  std::string root_;
  BlobStore blobs_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace mlops::store
