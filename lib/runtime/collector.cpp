#include "runtime/collector.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>

#include "health/scores.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mlops::runtime {

using nlohmann::json;
using store::Stmt;

namespace {

bool is_text(const json& r, const char* key) { return r.contains(key) && r[key].is_string(); }
bool is_number(const json& r, const char* key) {
  return r.contains(key) && r[key].is_number() && std::isfinite(r[key].get<double>());
}

int64_t record_ms(const json& r, int64_t now_ms) {
  return is_number(r, "time") ? static_cast<int64_t>(std::llround(r["time"].get<double>() * 1000)) : now_ms;
}

}  // namespace

Collector::Collector(RunKey key, std::string stats_path, std::string tensorboard_dir)
    : key_(std::move(key)), stats_path_(std::move(stats_path)), watcher_(std::move(tensorboard_dir)) {}

void Collector::collect(store::Store& store, int64_t now_ms, bool final) {
  std::string chunk;
  int fd = ::open(stats_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    util::Fd guard(fd);
    struct stat st;
    // A channel truncated or replaced (a step writing '>' instead of '>>') starts over.
    if (::fstat(fd, &st) == 0 && (static_cast<uint64_t>(st.st_size) < offset_ || (inode_ && st.st_ino != inode_))) {
      offset_ = 0;
      partial_.clear();
    }
    inode_ = st.st_ino;
    char buf[1 << 16];
    for (size_t read = 0; read < kMaxChunk;) {
      ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(offset_));
      if (n <= 0) break;
      chunk.append(buf, static_cast<size_t>(n));
      offset_ += static_cast<uint64_t>(n);
      read += static_cast<size_t>(n);
    }
  }
  // Scalars stay pending until their transaction commits, so a failed commit loses none.
  for (auto& s : watcher_.poll()) pending_.push_back(std::move(s));
  if (chunk.empty() && pending_.empty() && !(final && !partial_.empty())) return;
  std::string text = partial_ + chunk;
  size_t start = 0;
  bool skipping = skipping_;
  if (skipping) {  // the rest of an overlong line, up to its newline
    size_t nl = text.find('\n');
    start = nl == std::string::npos ? text.size() : nl + 1;
    skipping = nl == std::string::npos;
  }
  size_t malformed = malformed_;
  nlohmann::json metrics = metrics_, baseline = baseline_;
  std::string rest;
  try {
    store::Catalog::Transaction tx(store.catalog());
    ingest(store, text, start, final, skipping, rest, now_ms);
    tx.commit();
  } catch (...) {
    // Nothing was recorded: read it all again next time.
    malformed_ = malformed;
    metrics_ = metrics;
    baseline_ = baseline;
    offset_ -= chunk.size();
    throw;
  }
  tensorboard_points_ += pending_.size();
  pending_.clear();
  partial_ = rest;
  skipping_ = skipping;
}

void Collector::ingest(store::Store& store, const std::string& text, size_t start, bool final, bool& skipping,
                       std::string& rest, int64_t now_ms) {
  drifted_.clear();
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    record(store, std::string_view(text).substr(start, nl - start), now_ms);
  rest = text.substr(start);
  if (final && !rest.empty() && !skipping) {
    record(store, rest, now_ms);
    rest.clear();
  }
  raise_drift(store);
  if (rest.size() > kMaxLine) {  // a line that never ends is malformed, and skipped to its newline
    ++malformed_;
    rest.clear();
    skipping = true;
  }
  for (const auto& s : pending_) {
    Stmt ins(store.catalog().handle(),
             "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
             "VALUES(?, ?, ?, 'tensorboard', ?, ?, ?, '{}', ?)");
    ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, s.tag).bind(5, s.step);
    ins.bind_real(6, s.value).bind(7, static_cast<int64_t>(std::llround(s.wall_time * 1000))).run();
  }
}

void Collector::record_values(store::Store& store, const std::string& source,
                              const std::map<std::string, double>& values, int64_t now_ms) {
  store::Catalog::Transaction tx(store.catalog());
  for (const auto& [name, value] : values) {
    Stmt ins(store.catalog().handle(), "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
                                       "VALUES(?, ?, ?, ?, ?, NULL, ?, '{}', ?)");
    ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, source).bind(5, name).bind_real(6, value);
    ins.bind(7, now_ms).run();
  }
  tx.commit();
}

void Collector::record_distribution(store::Store& store, const json& r, int64_t at) {
  std::string role = r["role"].is_string() ? r["role"].get<std::string>() : "";
  health::Distribution d;
  try {
    if (role != "baseline" && role != "window") throw util::Error(util::Exit::usage, "unknown role");
    d = health::distribution_from(r);
  } catch (const util::Error&) {
    ++malformed_;
    return;
  }
  json labels = health::to_json(d);
  labels["role"] = role;
  Stmt ins(store.catalog().handle(), "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
                                     "VALUES(?, ?, ?, 'distribution', ?, NULL, ?, ?, ?)");
  double total = d.missing;
  for (double c : d.counts) total += c;
  ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, d.name).bind_real(5, total);
  ins.bind(6, labels.dump()).bind(7, at).run();
  if (role == "baseline") {
    baseline_[d.name] = health::to_json(d);
    return;
  }
  if (!health_.baseline.contains(d.name)) return;  // the SDK does not observe what has no baseline
  WindowHealth w;
  try {
    w = judge_window(store, health_, key_.ion, key_.node, d.name, health::to_json(d));
  } catch (const util::Error&) {  // binned on other edges than the baseline's
    ++malformed_;
    return;
  }
  Stmt point(store.catalog().handle(), "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
                                       "VALUES(?, ?, ?, 'health', ?, NULL, ?, ?, ?)");
  point.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, d.name).bind_real(5, w.psi);
  point.bind(6, w.labels.dump()).bind(7, at).run();
  if (w.newly) {
    drifted_.push_back("'" + d.name + "' (" + w.labels["reason"].get<std::string>() + ")");
    drifted_at_ = at;
  }
}

// One alert for the features that drifted in what one collect read (a window's features come together).
void Collector::raise_drift(store::Store& store) {
  if (drifted_.empty()) return;
  std::string features;
  for (const auto& f : drifted_) features += (features.empty() ? "" : ", ") + f;
  std::string message = (drifted_.size() == 1 ? "feature " : "features ") + features +
                        " drifted from the baseline of model " + health_.model;
  Stmt ins(store.catalog().handle(),
           "INSERT INTO run_events(run, ion, node, kind, level, name, message, at_ms, source) "
           "VALUES(?, ?, ?, 'alert', 'warning', ?, ?, ?, 'health')");
  ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, health_.config.alert).bind(5, message);
  ins.bind(6, drifted_at_).run();
  drifted_.clear();
}

void Collector::record(store::Store& store, std::string_view line, int64_t now_ms) {
  if (line.empty()) return;
  json r = json::parse(line, nullptr, false);
  if (r.is_discarded() || !r.is_object() || !is_text(r, "type")) {
    ++malformed_;
    return;
  }
  std::string type = r["type"];
  int64_t at = record_ms(r, now_ms);
  sqlite3* db = store.catalog().handle();
  if (type == "metric" || type == "stat") {
    if (!is_text(r, "name") || !is_number(r, "value")) {
      ++malformed_;
      return;
    }
    if (type == "metric") metrics_[r["name"].get<std::string>()] = r["value"];
    json labels = r.contains("labels") && r["labels"].is_object() ? r["labels"] : json::object();
    Stmt ins(db, "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
                 "VALUES(?, ?, ?, ?, ?, NULL, ?, ?, ?)");
    ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, type).bind(5, r["name"].get<std::string>());
    ins.bind_real(6, r["value"].get<double>()).bind(7, labels.dump()).bind(8, at).run();
  } else if (type == "distribution" && r.contains("role")) {
    record_distribution(store, r, at);
  } else if (type == "table" || type == "distribution") {
    // Kept whole (as labels) until the health work reads them; the value is the row or count total.
    if (!is_text(r, "name")) {
      ++malformed_;
      return;
    }
    double size = 0;
    if (type == "table" && r.contains("rows") && r["rows"].is_array()) size = static_cast<double>(r["rows"].size());
    if (type == "distribution" && r.contains("counts") && r["counts"].is_array())
      for (const auto& c : r["counts"]) size += c.is_number() ? c.get<double>() : 0;
    Stmt ins(db, "INSERT INTO stats(run, ion, node, source, name, step, value, labels, at_ms) "
                 "VALUES(?, ?, ?, ?, ?, NULL, ?, ?, ?)");
    ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, type).bind(5, r["name"].get<std::string>());
    ins.bind_real(6, size).bind(7, r.dump()).bind(8, at).run();
  } else if (type == "event" || type == "alert") {
    if (!is_text(r, "message") || (type == "alert" && !is_text(r, "name"))) {
      ++malformed_;
      return;
    }
    std::string level = is_text(r, "level") ? r["level"].get<std::string>() : (type == "alert" ? "warning" : "info");
    Stmt ins(db, "INSERT INTO run_events(run, ion, node, kind, level, name, message, at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, key_.run).bind(2, key_.ion).bind(3, key_.node).bind(4, type).bind(5, level);
    ins.bind(6, is_text(r, "name") ? r["name"].get<std::string>() : "").bind(7, r["message"].get<std::string>()).bind(8, at).run();
  } else {
    ++malformed_;
  }
}

}  // namespace mlops::runtime
