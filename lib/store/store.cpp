#include "store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/error.hpp"

namespace mlops::store {

using util::Error;
using util::Exit;

std::string Store::default_root() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/mlops";
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw Error(Exit::error, "cannot find a home for the store: HOME is not set", "use --store DIR");
  return std::string(home) + "/.local/share/mlops";
}

bool Store::exists(const std::string& root) { return util::path_exists(root + "/catalog.db"); }

Store::Store(std::string root, Open mode) : root_(std::move(root)), blobs_(root_) {
  if (mode == Open::existing && !exists(root_)) {
    struct stat st;
    if (::stat(root_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
      throw Error(Exit::error, "store '" + root_ + "' is not a directory");
    throw Error(Exit::not_found, "no store at '" + root_ + "'", "run 'mlops init --store " + root_ + "'");
  }
  if (mode == Open::create) {
    util::make_dirs(root_);
    blobs_.init();
  }
  catalog_ = std::make_unique<Catalog>(root_ + "/catalog.db", mode == Open::create);
  registry_ = std::make_unique<Registry>(*catalog_);
}

util::Fd Store::lock(bool exclusive) const {
  std::string path = root_ + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) util::throw_errno("open lock", path, errno);
  util::Fd owned(fd);
  while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0)
    if (errno != EINTR) util::throw_errno("lock", path, errno);
  return owned;
}

ModelVersion Store::push(const PushRequest& request) {
  util::Fd held = lock(false);
  return registry_->add_version(stage(request));
}

ModelVersion Store::stage(const PushRequest& request) {
  validate_model_name(request.name);
  struct stat st;
  if (::stat(request.path.c_str(), &st) != 0) util::throw_errno("read", request.path, errno);
  util::Fd source;
  if (S_ISREG(st.st_mode))
    source = util::open_read(request.path);  // before the lock: a bad input touches nothing
  else if (!S_ISDIR(st.st_mode))
    throw Error(Exit::error, "cannot push '" + request.path + "': not a regular file or directory");
  util::Fd held = lock(false);  // the caller may hold it too: flock locks of one process do not conflict
  ModelVersion v;
  v.name = request.name;
  v.source = util::basename_of(request.path);
  if (v.source.empty() || v.source == "." || v.source == "..") v.source = request.name;
  v.metrics = request.metrics;
  v.params = request.params;
  v.labels = request.labels;
  v.created_by = request.actor;
  v.created_ms = request.now_ms;
  v.mode = st.st_mode & 0777;
  if (S_ISDIR(st.st_mode)) {
    Tree tree = put_tree(blobs_, request.path);
    v.type = "directory";
    v.digest = blobs_.put_bytes(tree.to_json()).hex;
    v.size = tree.total_size();
    v.files = tree.file_count();
  } else {
    auto info = blobs_.put_fd(source.get(), request.path);
    v.type = "file";
    v.digest = info.hex;
    v.size = info.size;
    v.files = 1;
  }
  return v;
}

PullResult Store::pull(const ModelRef& ref, const std::string& dest_dir, bool force) {
  return write_version(registry_->resolve(ref), dest_dir, force);
}

PullResult Store::write_version(const ModelVersion& version, const std::string& dest_dir, bool force) {
  PullResult result;
  result.version = version;
  const ModelVersion& v = result.version;
  // The name comes from the catalog; never let it climb out of dest_dir.
  if (v.source.empty() || v.source == "." || v.source == ".." || v.source.find('/') != std::string::npos)
    throw Error(Exit::integrity, "model '" + v.name + ":" + std::to_string(v.version) + "' has an unsafe source name '" +
                                     v.source + "'");
  util::make_dirs(dest_dir);
  result.path = dest_dir + "/" + v.source;
  struct stat st;
  bool present = ::lstat(result.path.c_str(), &st) == 0;
  if (present && !force)
    throw Error(Exit::error, "cannot pull into '" + result.path + "': it already exists", "use --force to replace it");
  if (v.type == "file") {
    if (present && S_ISDIR(st.st_mode)) util::remove_all(result.path);
    blobs_.export_to(v.digest, result.path, v.mode);
    return result;
  }
  Tree tree = read_tree(v.digest);
  std::string staging = util::make_temp_dir(dest_dir);
  try {
    export_tree(blobs_, tree, staging);
    if (::chmod(staging.c_str(), v.mode) != 0) util::throw_errno("set mode of", result.path, errno);
    if (present) {
      // Move the old copy aside first so the new one appears in a single rename.
      std::string old = util::make_temp_dir(dest_dir);
      if (::rename(result.path.c_str(), (old + "/old").c_str()) != 0) util::throw_errno("replace", result.path, errno);
      if (::rename(staging.c_str(), result.path.c_str()) != 0) util::throw_errno("rename into", result.path, errno);
      util::remove_all(old);
    } else if (::rename(staging.c_str(), result.path.c_str()) != 0) {
      util::throw_errno("rename into", result.path, errno);
    }
  } catch (...) {
    util::remove_all(staging);
    throw;
  }
  return result;
}

}  // namespace mlops::store
