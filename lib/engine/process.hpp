// Running one command the way the runtime needs: in its own process group (so a timeout or a cancel
// reaches every process it started), with its environment and working directory, stdout and stderr
// appended to log files, and an outcome that says how it ended.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::engine {

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH when it has no '/'
  std::map<std::string, std::string> env;  // the whole environment of the child
  std::string cwd;                         // empty: inherit
  std::string stdout_path;                 // appended to; empty: /dev/null
  std::string stderr_path;
  std::optional<std::chrono::milliseconds> timeout;
  // After SIGTERM, how long the group gets to exit before SIGKILL.
  std::chrono::milliseconds grace{2000};
  // Called about every `tick` on the thread inside wait(): where a runner looks for cancel requests
  // and collects what the process reports, without a thread of its own.
  std::function<void()> on_tick;
  std::chrono::milliseconds tick{250};
  // Called once on that thread when a timeout or a cancel is about to signal the group: for what a
  // signal cannot reach (a Spark driver running on the cluster).
  std::function<void()> on_stop;
};

struct ProcessOutcome {
  int exit_code = -1;   // when it exited
  int signal = 0;       // when a signal ended it
  bool timed_out = false;
  bool cancelled = false;
  int64_t duration_ms = 0;
  bool ok() const { return exit_code == 0 && signal == 0 && !timed_out && !cancelled; }
  // "exit 0", "exit 3", "killed by SIGKILL (timed out after 5s)", "cancelled"
  std::string describe() const;
};

class Process {
 public:
  // Starts the process. A command that cannot be started (no such file, not executable) is an
  // error here, not an outcome.
  explicit Process(const ProcessSpec& spec);
  ~Process();  // kills the group if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Blocks until the process ends, enforcing the timeout; safe to call once.
  ProcessOutcome wait();
  // Asks the whole group to stop (SIGTERM, then SIGKILL after the grace period); wait() then
  // reports cancelled. Safe from another thread.
  void cancel();

 private:
  void terminate_group();
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int cancel_pipe_[2] = {-1, -1};
  ProcessSpec spec_;
  std::chrono::steady_clock::time_point started_;
  bool reaped_ = false;
};

}  // namespace mlops::engine
