#include "store/fsck.hpp"

#include <dirent.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "util/error.hpp"

namespace mlops::store {

static size_t count_temp_files(const std::string& dir) {
  size_t n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
    ::closedir(d);
  }
  return n;
}

FsckReport fsck(Store& store, unsigned threads) {
  FsckReport report;
  {
    Stmt s(store.catalog().handle(), "PRAGMA integrity_check");
    while (s.step())
      if (s.text(0) != "ok") report.problems.push_back({"catalog", "", s.text(0), {}});
  }

  std::vector<BlobInfo> blobs;
  store.blobs().for_each([&](const BlobInfo& b) { blobs.push_back(b); });
  std::map<std::string, std::string> corrupt;  // hex -> actual
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < blobs.size();) {
      std::string actual;
      try {
        actual = store.blobs().rehash(blobs[i].hex);
      } catch (const util::Error& e) {
        actual = std::string("unreadable: ") + e.what();
      }
      std::lock_guard lock(mu);
      report.bytes += blobs[i].size;
      if (actual != blobs[i].hex) corrupt[blobs[i].hex] = actual;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  report.blobs = blobs.size();

  // Which versions need which blobs.
  std::map<std::string, std::vector<std::string>> users;
  auto versions = store.registry().list({});
  report.versions = versions.size();
  for (const auto& v : versions) {
    std::string id = v.name + ":" + std::to_string(v.version);
    users[v.digest].push_back(id);
    if (v.type != "directory" || corrupt.count(v.digest) || !store.blobs().has(v.digest)) continue;
    try {
      for (const auto& e : store.read_tree(v.digest).entries)
        if (!e.is_dir) users[e.digest].push_back(id);
    } catch (const util::Error& e) {
      report.problems.push_back({"malformed", v.digest, e.what(), {id}});
    }
  }
  for (const auto& [hex, user] : other_blob_roots(store.catalog())) users[hex].push_back(user);
  for (const auto& [hex, actual] : corrupt) {
    auto it = users.find(hex);
    std::string detail = actual.rfind("unreadable", 0) == 0 ? actual : "content hashes to sha256:" + actual;
    report.problems.push_back({"corrupt", hex, detail, it == users.end() ? std::vector<std::string>{} : it->second});
  }
  for (const auto& [hex, ids] : users)
    if (!corrupt.count(hex) && !store.blobs().has(hex)) report.problems.push_back({"missing", hex, "", ids});
  report.temp_files = count_temp_files(store.blobs().tmp_dir());
  return report;
}

}  // namespace mlops::store
