#include "runtime/deploy.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::runtime {

std::string stage_model(store::Store& store, const std::string& dir, const std::string& model) {
  std::string flat = model;
  std::replace(flat.begin(), flat.end(), ':', '_');
  // A directory of its own for every swap, never reused: a batch still reading an older model keeps
  // its files even when that model comes back (a rollback).
  std::string stage;
  for (int n = 1; util::path_exists(stage = dir + "/model-in/" + std::to_string(n) + "-" + flat); ++n) {
  }
  util::make_dirs(stage);
  auto pulled = store.pull(store::parse_model_ref(model), stage, false);
  std::string link = dir + "/model-in/current";
  std::string tmp = link + ".new";
  ::unlink(tmp.c_str());
  std::string target = pulled.path.substr(dir.size() + std::string("/model-in/").size());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) util::throw_errno("create", tmp, errno);
  if (::rename(tmp.c_str(), link.c_str()) != 0) util::throw_errno("switch", link, errno);
  util::fsync_path(dir + "/model-in");
  return link;
}

void record_deployed(store::Store& store, const RunRecord& r, const std::string& model, const std::string& how,
                     int64_t now_ms) {
  store::Stmt s(store.catalog().handle(),
                "INSERT INTO flow_events(ion, node, model, kind, reason, at_ms) VALUES(?, ?, ?, 'deployed', ?, ?)");
  s.bind(1, r.ion).bind(2, r.node).bind(3, model).bind(4, how).bind(5, now_ms).run();
}

std::string previous_model_in(store::Store& store, const RunRecord& r) {
  store::Stmt s(store.catalog().handle(),
                "SELECT model_in FROM runs WHERE ion = ? AND node = ? AND id != ? AND model_in != '' "
                "ORDER BY started_ms DESC, id DESC LIMIT 1");
  s.bind(1, r.ion).bind(2, r.node).bind(3, r.id);
  return s.step() ? s.text(0) : "";
}

}  // namespace mlops::runtime
