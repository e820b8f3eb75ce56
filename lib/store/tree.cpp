#include "store/tree.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace mlops::store {

using nlohmann::json;
using util::Error;
using util::Exit;

uint64_t Tree::total_size() const {
  uint64_t total = 0;
  for (const auto& e : entries) total += e.size;
  return total;
}

uint64_t Tree::file_count() const {
  return static_cast<uint64_t>(std::count_if(entries.begin(), entries.end(), [](auto& e) { return !e.is_dir; }));
}

std::string Tree::to_json() const {
  json list = json::array();
  for (const auto& e : entries) {
    json item = {{"path", e.path}, {"type", e.is_dir ? "dir" : "file"}, {"mode", e.mode}};
    if (!e.is_dir) {
      item["digest"] = "sha256:" + e.digest;
      item["size"] = e.size;
    }
    list.push_back(item);
  }
  json doc = {{"apiVersion", "mlops/v1"}, {"kind", "Tree"}, {"entries", list}};
  return doc.dump();
}

static bool safe_relative_path(const std::string& path) {
  if (path.empty() || path.find('\0') != std::string::npos) return false;
  for (const auto& part : util::split(path, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

Tree Tree::parse(std::string_view text, const std::string& digest) {
  auto bad = [&](const std::string& why) {
    return Error(Exit::integrity, "tree manifest 'sha256:" + digest + "' is malformed: " + why,
                 "run 'mlops store fsck'");
  };
  Tree tree;
  try {
    json doc = json::parse(text);
    if (doc.value("kind", "") != "Tree") throw bad("kind is not 'Tree'");
    for (const auto& item : doc.at("entries")) {
      TreeEntry e;
      e.path = item.at("path").get<std::string>();
      if (!safe_relative_path(e.path)) throw bad("unsafe path '" + e.path + "'");
      e.is_dir = item.at("type").get<std::string>() == "dir";
      e.mode = item.at("mode").get<uint32_t>() & 0777;
      if (!e.is_dir) {
        std::string d = item.at("digest").get<std::string>();
        if (d.rfind("sha256:", 0) != 0 || !util::is_sha256_hex(d.substr(7))) throw bad("bad digest '" + d + "'");
        e.digest = d.substr(7);
        e.size = item.at("size").get<uint64_t>();
      }
      tree.entries.push_back(std::move(e));
    }
  } catch (const json::exception& ex) {
    throw bad(ex.what());
  }
  return tree;
}

// Lists the whole directory first, so a link or device anywhere is refused before anything is stored.
static void walk(const std::string& root, const std::string& rel, Tree& tree) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  std::vector<std::string> names = util::list_dir(dir);
  for (const auto& name : names) {
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    std::string path = root + "/" + child_rel;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) util::throw_errno("read", path, errno);
    TreeEntry e;
    e.path = child_rel;
    e.mode = st.st_mode & 0777;
    if (S_ISDIR(st.st_mode)) {
      e.is_dir = true;
      tree.entries.push_back(e);
      walk(root, child_rel, tree);
    } else if (S_ISREG(st.st_mode)) {
      tree.entries.push_back(e);
    } else {
      const char* what = S_ISLNK(st.st_mode) ? "symbolic links" : "special files";
      throw Error(Exit::error, "cannot push '" + path + "': " + what + " are not supported in models",
                  "copy the target into the directory instead");
    }
  }
}

Tree put_tree(const BlobStore& blobs, const std::string& dir) {
  Tree tree;
  walk(dir, "", tree);
  // Stage every file before publishing any, so a failure (a full disk, an unreadable file) leaves
  // no new blob behind.
  std::vector<StagedBlob> staged;
  for (auto& e : tree.entries) {
    if (e.is_dir) continue;
    std::string path = dir + "/" + e.path;
    util::Fd fd = util::open_read(path);
    staged.push_back(blobs.stage_fd(fd.get(), path));
    e.digest = staged.back().info.hex;
    e.size = staged.back().info.size;
  }
  for (auto& s : staged) blobs.publish(s);
  return tree;
}

void export_tree(const BlobStore& blobs, const Tree& tree, const std::string& dest) {
  // A directory always comes before what it contains.
  std::vector<const TreeEntry*> dirs;
  for (const auto& e : tree.entries) {
    std::string path = dest + "/" + e.path;
    if (e.is_dir) {
      if (::mkdir(path.c_str(), 0700) != 0) util::throw_errno("create directory", path, errno);
      dirs.push_back(&e);
    } else {
      blobs.export_to(e.digest, path, e.mode);
    }
  }
  // Directory modes last, so a read-only directory does not stop us filling it.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    std::string path = dest + "/" + (*it)->path;
    if (::chmod(path.c_str(), (*it)->mode) != 0) util::throw_errno("set mode of", path, errno);
  }
}

}  // namespace mlops::store
