// The agent's durable outbox: everything its runs produce for the server (stat points, events,
// run records with their models), in one SQLite file beside the replica store, each item under a
// sequence number that is never reused. Items leave only when the server has acknowledged them,
// so an agent that is killed, restarted or offline for days delivers each item exactly once
// (the server skips sequence numbers it has applied).
//
// The spool has a size cap. Past it, stat points give way by the configured policy: drop-oldest
// removes the oldest unsent points, drop-newest refuses new ones. Run records and events are
// always kept. What was dropped is counted, said in the agent's log and sent as an overflow item.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "store/store.hpp"

namespace mlops::agent {

struct SpoolItem {
  int64_t seq = 0;
  std::string kind;
  std::string body;  // a JSON object without "seq"
};

struct SpoolStatus {
  int64_t items = 0, bytes = 0, dropped = 0;
  int64_t last_seq = 0;
};

class Spool {
 public:
  Spool(const std::string& path, int64_t max_bytes, std::string overflow);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Takes what the replica's runs wrote since the last call (stats, events, changed run records);
  // returns the number of stat points dropped by the overflow policy meanwhile.
  int64_t fill(store::Store& replica, int64_t now_ms);

  // The oldest items, up to a count and about a size.
  std::vector<SpoolItem> peek(size_t max_items, size_t max_bytes);
  // The server has applied everything up to `seq`.
  void ack(int64_t seq);
  SpoolStatus status();

  // Runs the server asked for ('ion run' through it). Each is claimed once, so a restart does not
  // run it again; its end goes out as an item after the run's own record ("" for a run lost with
  // a restart of the agent).
  bool claim_request(int64_t id);
  std::vector<int64_t> unfinished_requests();
  void finish_request(int64_t id, const std::string& run);

  // {"items": [...]} for the server, each item with its "seq".
  static std::string batch(const std::vector<SpoolItem>& items);

 private:
  void exec(const char* sql);
  int64_t cursor(const std::string& name);
  void set_cursor(const std::string& name, int64_t value);
  void append(const std::string& kind, const std::string& body);
  void append_log(store::Store& replica, const std::string& run);
  int64_t enforce_cap();
  sqlite3* db_ = nullptr;
  std::string path_;
  int64_t max_bytes_;
  std::string overflow_;
  int64_t bytes_ = 0;
  bool refusing_ = false;  // drop-newest: over the cap, new points are not taken
};

}  // namespace mlops::agent
