#include "store/gc.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include "util/error.hpp"

namespace mlops::store {

namespace {

// Blobs reached by each model: version digests plus the files of directory trees. A tree we cannot
// read stops everything: collecting without it could delete files a version still needs.
std::map<std::string, std::set<std::string>> reachable_by_model(Store& store, std::map<std::string, uint64_t>* sizes) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& v : store.registry().list({})) {
    auto& set = out[v.name];
    set.insert(v.digest);
    if (std::string baseline = baseline_of(v); !baseline.empty()) set.insert(baseline);
    if (v.type != "directory") {
      if (sizes) (*sizes)[v.digest] = v.size;
      continue;
    }
    Tree tree;
    try {
      tree = store.read_tree(v.digest);
    } catch (const util::Error& e) {
      throw util::Error(e.code(), std::string("cannot read the tree of model '") + v.name + ":" +
                                      std::to_string(v.version) + "': " + e.what(),
                        "run 'mlops store fsck'");
    }
    for (const auto& e : tree.entries) {
      if (e.is_dir) continue;
      set.insert(e.digest);
      if (sizes) (*sizes)[e.digest] = e.size;
    }
  }
  return out;
}

uint64_t tree_bytes(const std::string& path, size_t* files) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    total += it->file_size(ec);
    if (files) ++*files;
  }
  return total;
}

}  // namespace

GcReport gc(Store& store, bool dry_run) {
  util::Fd held = store.lock(true);
  GcReport report;
  std::set<std::string> live;
  for (const auto& [name, set] : reachable_by_model(store, nullptr)) live.insert(set.begin(), set.end());
  for (const auto& [hex, user] : other_blob_roots(store.catalog())) live.insert(hex);
  store.blobs().for_each([&](const BlobInfo& b) {
    if (live.count(b.hex)) return;
    report.removed.push_back(b);
    report.bytes += b.size;
  });
  report.bytes += tree_bytes(store.blobs().tmp_dir(), &report.temp_files);
  if (dry_run) return report;
  for (const auto& b : report.removed) store.blobs().remove(b.hex);
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator(store.blobs().tmp_dir(), ec))
    util::remove_all(entry.path().string());
  return report;
}

DiskUsage disk_usage(Store& store) {
  DiskUsage du;
  std::map<std::string, uint64_t> sizes;
  auto reach = reachable_by_model(store, &sizes);
  std::map<std::string, uint64_t> on_disk;
  store.blobs().for_each([&](const BlobInfo& b) {
    on_disk[b.hex] = b.size;
    du.blob_bytes += b.size;
  });
  du.blobs = on_disk.size();
  std::set<std::string> live;
  for (const auto& v : store.registry().list({})) {
    if (du.models.empty() || du.models.back().name != v.name) du.models.push_back({v.name, 0, 0, 0});
    du.models.back().versions++;
    du.models.back().logical += v.size;
  }
  for (auto& m : du.models) {
    for (const auto& hex : reach[m.name]) {
      auto it = on_disk.find(hex);
      if (it != on_disk.end()) m.stored += it->second;
      live.insert(hex);
    }
  }
  for (const auto& [hex, user] : other_blob_roots(store.catalog())) live.insert(hex);
  for (const auto& [hex, size] : on_disk)
    if (!live.count(hex)) du.unreferenced_bytes += size;
  for (const char* f : {"/catalog.db", "/catalog.db-wal", "/catalog.db-shm"}) {
    struct stat st;
    if (::stat((store.root() + f).c_str(), &st) == 0) du.catalog_bytes += static_cast<uint64_t>(st.st_size);
  }
  du.temp_bytes = tree_bytes(store.blobs().tmp_dir(), nullptr);
  return du;
}

}  // namespace mlops::store
