#include "agent/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string_view>

#include "api/documents.hpp"
#include "api/spool.hpp"
#include "runtime/run.hpp"
#include "store/model_ref.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace mlops::agent {

using nlohmann::json;
using store::Stmt;

namespace {

constexpr int64_t kFillRows = 20000;
// A run's log goes to the server in items of at most this much, up to kMaxLogBytes a run.
constexpr uint64_t kLogChunk = 256 << 10, kMaxLogBytes = uint64_t{16} << 20;  // per table and call, so one call never holds the replica long

}  // namespace

Spool::Spool(const std::string& path, int64_t max_bytes, std::string overflow)
    : path_(path), max_bytes_(max_bytes), overflow_(std::move(overflow)) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK)
    store::throw_sqlite(db_, "open the spool '" + path + "'");
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");  // WAL: a crash of the process loses nothing, power loss the last commit at most
  exec("CREATE TABLE IF NOT EXISTS items(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL, "
       "bytes INTEGER NOT NULL)");
  exec("CREATE TABLE IF NOT EXISTS cursors(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  exec("CREATE TABLE IF NOT EXISTS runs_sent(id TEXT PRIMARY KEY, status TEXT NOT NULL)");
  exec("CREATE TABLE IF NOT EXISTS logs_sent(run TEXT PRIMARY KEY, offset INTEGER NOT NULL)");
  exec("CREATE TABLE IF NOT EXISTS requests(id INTEGER PRIMARY KEY, finished INTEGER NOT NULL DEFAULT 0)");
  Stmt s(db_, "SELECT coalesce(sum(bytes), 0) FROM items");
  s.step();
  bytes_ = s.integer(0);
}

Spool::~Spool() { sqlite3_close(db_); }

void Spool::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) store::throw_sqlite(db_, "update the spool");
}

int64_t Spool::cursor(const std::string& name) {
  Stmt s(db_, "SELECT value FROM cursors WHERE name = ?");
  s.bind(1, name);
  return s.step() ? s.integer(0) : 0;
}

void Spool::set_cursor(const std::string& name, int64_t value) {
  Stmt(db_, "INSERT OR REPLACE INTO cursors(name, value) VALUES(?, ?)").bind(1, name).bind(2, value).run();
}

void Spool::append(const std::string& kind, const std::string& body) {
  Stmt(db_, "INSERT INTO items(kind, body, bytes) VALUES(?, ?, ?)")
      .bind(1, kind)
      .bind(2, body)
      .bind(3, static_cast<int64_t>(body.size()))
      .run();
  bytes_ += static_cast<int64_t>(body.size());
}

bool Spool::claim_request(int64_t id) {
  Stmt(db_, "INSERT OR IGNORE INTO requests(id) VALUES(?)").bind(1, id).run();
  return sqlite3_changes(db_) == 1;
}

std::vector<int64_t> Spool::unfinished_requests() {
  std::vector<int64_t> out;
  Stmt s(db_, "SELECT id FROM requests WHERE finished = 0 ORDER BY id");
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

void Spool::finish_request(int64_t id, const std::string& run) {
  exec("BEGIN IMMEDIATE");
  try {
    Stmt(db_, "UPDATE requests SET finished = 1 WHERE id = ?").bind(1, id).run();
    append("request", json{{"kind", "request"}, {"request", id}, {"run", run}}.dump());
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

int64_t Spool::fill(store::Store& replica, int64_t now_ms) {
  auto* rdb = replica.catalog().handle();
  exec("BEGIN IMMEDIATE");
  try {
    int64_t dropped = 0;
    int64_t last = cursor("stats");
    {
      Stmt s(rdb, "SELECT id, run, ion, node, source, name, step, value, labels, at_ms FROM stats WHERE id > ? ORDER BY id LIMIT ?");
      s.bind(1, last).bind(2, kFillRows);
      while (s.step()) {
        last = s.integer(0);
        if (refusing_ && bytes_ < max_bytes_) refusing_ = false;
        if (refusing_) {
          ++dropped;
          continue;
        }
        json point = {s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
                      s.is_null(6) ? json() : json(s.integer(6)), s.real(7), s.text(8), s.integer(9)};
        append("stat", json{{"kind", "stat"}, {"stat", point}}.dump());
        if (bytes_ > max_bytes_ && overflow_ == "drop-newest") refusing_ = true;
      }
      set_cursor("stats", last);
    }
    last = cursor("events");
    {
      Stmt s(rdb, "SELECT id, run, ion, node, kind, level, name, message, at_ms, source FROM run_events WHERE id > ? "
                  "ORDER BY id LIMIT ?");
      s.bind(1, last).bind(2, kFillRows);
      while (s.step()) {
        last = s.integer(0);
        json e = {s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.integer(8), s.text(9)};
        append("event", json{{"kind", "event"}, {"event", e}}.dump());
      }
      set_cursor("events", last);
    }
    {
      // Run records whenever their status changed: started, then ended.
      // Only runs still going or ended lately need a look (a minute's margin for clocks and commits).
      std::vector<std::pair<std::string, std::string>> changed;
      Stmt s(rdb, "SELECT id, status FROM runs WHERE finished_ms IS NULL OR finished_ms >= ? ORDER BY started_ms");
      s.bind(1, cursor("runs_ms") - 60000);
      set_cursor("runs_ms", now_ms);
      // What these runs wrote to their logs goes first: a record saying a run ended comes after
      // all it wrote.
      while (s.step()) {
        append_log(replica, s.text(0));
        Stmt sent(db_, "SELECT status FROM runs_sent WHERE id = ?");
        sent.bind(1, s.text(0));
        if (!sent.step() || sent.text(0) != s.text(1)) changed.emplace_back(s.text(0), s.text(1));
      }
      for (const auto& [id, status] : changed) {
        auto r = runtime::get_run(replica, id);
        json item = {{"kind", "run"}, {"run", api::run_record(r)}};
        if (!r.model.empty()) item["model"] = api::model_version(replica.registry().resolve(store::parse_model_ref(r.model)));
        append("run", item.dump());
        Stmt(db_, "INSERT OR REPLACE INTO runs_sent(id, status) VALUES(?, ?)").bind(1, id).bind(2, r.status).run();
      }
    }
    dropped += enforce_cap();
    if (dropped) set_cursor("dropped", cursor("dropped") + dropped);
    if (dropped)
      append("overflow", json{{"kind", "overflow"}, {"dropped", dropped}, {"policy", overflow_}, {"atMs", now_ms}}.dump());
    exec("COMMIT");
    return dropped;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Spool::append_log(store::Store& replica, const std::string& run) {
  std::string path = runtime::run_dir(replica, run) + "/run.log";
  uint64_t size = util::size_or_zero(path), offset = 0;
  {
    Stmt s(db_, "SELECT offset FROM logs_sent WHERE run = ?");
    s.bind(1, run);
    if (s.step()) offset = static_cast<uint64_t>(s.integer(0));
  }
  size = std::min(size, kMaxLogBytes);
  if (offset >= size) return;
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return;
  while (offset < size) {
    std::string chunk(std::min(kLogChunk, size - offset), '\0');
    ssize_t n = ::pread(fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n <= 0) break;
    chunk.resize(static_cast<size_t>(n));
    // Cut before a character the chunk's end would split: it starts the next chunk.
    if (offset + chunk.size() < size) {
      for (size_t back = 1; back <= 3 && back < chunk.size(); ++back) {
        auto c = static_cast<unsigned char>(chunk[chunk.size() - back]);
        if ((c & 0xC0) == 0x80) continue;  // a continuation byte: its lead is further back
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (need > back) chunk.resize(chunk.size() - back);
        break;
      }
    }
    append("log", json{{"kind", "log"}, {"run", run}, {"offset", offset}, {"data", util::utf8_same_length(chunk)}}.dump());
    offset += chunk.size();
  }
  Stmt(db_, "INSERT OR REPLACE INTO logs_sent(run, offset) VALUES(?, ?)").bind(1, run).bind(2, static_cast<int64_t>(offset)).run();
}

int64_t Spool::enforce_cap() {
  if (overflow_ != "drop-oldest" || bytes_ <= max_bytes_) return 0;
  // The oldest points go, down to 90% of the cap so the next fill does not drop again at once.
  int64_t target = max_bytes_ / 10 * 9, dropped = 0, freed = 0;
  Stmt s(db_, "SELECT seq, bytes FROM items WHERE kind = 'stat' ORDER BY seq");
  int64_t upto = 0;
  while (bytes_ - freed > target && s.step()) {
    upto = s.integer(0);
    freed += s.integer(1);
    ++dropped;
  }
  if (!dropped) return 0;
  Stmt(db_, "DELETE FROM items WHERE kind = 'stat' AND seq <= ?").bind(1, upto).run();
  bytes_ -= freed;
  return dropped;
}

std::vector<SpoolItem> Spool::peek(size_t max_items, size_t max_bytes) {
  std::vector<SpoolItem> out;
  size_t bytes = 0;
  Stmt s(db_, "SELECT seq, kind, body FROM items ORDER BY seq LIMIT ?");
  s.bind(1, static_cast<int64_t>(max_items));
  while (s.step() && (out.empty() || bytes < max_bytes)) {
    out.push_back({s.integer(0), s.text(1), s.text(2)});
    bytes += out.back().body.size();
  }
  return out;
}

void Spool::ack(int64_t seq) {
  Stmt(db_, "DELETE FROM items WHERE seq <= ?").bind(1, seq).run();
  Stmt s(db_, "SELECT coalesce(sum(bytes), 0) FROM items");
  s.step();
  bytes_ = s.integer(0);
}

SpoolStatus Spool::status() {
  SpoolStatus st;
  Stmt s(db_, "SELECT count(*), coalesce(sum(bytes), 0) FROM items");
  s.step();
  st.items = s.integer(0);
  st.bytes = s.integer(1);
  Stmt q(db_, "SELECT seq FROM sqlite_sequence WHERE name = 'items'");
  if (q.step()) st.last_seq = q.integer(0);
  st.dropped = cursor("dropped");
  return st;
}

std::string Spool::batch(const std::vector<SpoolItem>& items) {
  // Stat points under consecutive numbers travel as one "stats" item: a point costs the server an
  // array to parse rather than an object.
  static const std::string stat_prefix = "{\"kind\":\"stat\",\"stat\":";
  auto point_of = [](const SpoolItem& item) -> std::string_view {
    if (item.kind != "stat" || item.body.compare(0, stat_prefix.size(), stat_prefix) != 0) return {};
    return std::string_view(item.body).substr(stat_prefix.size(), item.body.size() - stat_prefix.size() - 1);
  };
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < items.size();) {
    if (i) out += ',';
    out += "{\"seq\":";
    out += std::to_string(items[i].seq);
    if (auto point = point_of(items[i]); !point.empty()) {
      out += ",\"kind\":\"stats\",\"points\":[";
      out += point;
      size_t j = i + 1;
      for (; j < items.size() && items[j].seq == items[j - 1].seq + 1; ++j) {
        auto next = point_of(items[j]);
        if (next.empty()) break;
        out += ',';
        out += next;
      }
      out += "]}";
      i = j;
      continue;
    }
    out += ',';
    out.append(items[i].body, 1, std::string::npos);  // the body's own '{' is replaced
    ++i;
  }
  out += "]}";
  return out;
}

}  // namespace mlops::agent
