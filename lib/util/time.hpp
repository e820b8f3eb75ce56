// Time behind an interface so that schedulers and tests can run on a fake clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mlops::util {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t now_ms() const override;
};

// "2026-11-28T16:41:50.123Z"
std::string format_rfc3339(int64_t ms);

// The inverse of format_rfc3339, for what a server sends; nullopt for anything else.
std::optional<int64_t> parse_rfc3339(const std::string& text);

// kubectl-style age: "42s", "5m", "3h", "12d", "2y".
std::string format_age(int64_t now_ms, int64_t then_ms);

}  // namespace mlops::util
