#include "engine/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::engine {

using util::Error;
using util::Exit;

namespace {

// argv[0] is looked up in the child's PATH, not ours: the environment is the child's contract.
std::string resolve(const ProcessSpec& spec) {
  const std::string& cmd = spec.argv.at(0);
  if (cmd.find('/') != std::string::npos) return cmd;
  auto it = spec.env.find("PATH");
  std::string path = it != spec.env.end() ? it->second : "/usr/local/bin:/usr/bin:/bin";
  for (const auto& dir : util::split(path, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + cmd;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  throw Error(Exit::not_found, "cannot run '" + cmd + "': command not found in PATH '" + path + "'");
}

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

std::string ProcessOutcome::describe() const {
  if (cancelled) return "cancelled";
  std::string how = signal ? std::string("killed by SIG") + (::sigabbrev_np(signal) ? ::sigabbrev_np(signal) : "?")
                           : "exit " + std::to_string(exit_code);
  if (timed_out) how += " (timed out)";
  return how;
}

Process::Process(const ProcessSpec& spec) : spec_(spec) {
  if (spec.argv.empty()) throw Error(Exit::usage, "cannot run an empty command");
  std::string exe = resolve(spec);
  if (::pipe2(cancel_pipe_, O_CLOEXEC) != 0) util::throw_errno("create pipe for", exe, errno);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  auto out = [&](int fd, const std::string& path) {
    posix_spawn_file_actions_addopen(&actions, fd, path.empty() ? "/dev/null" : path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  };
  out(1, spec.stdout_path);
  out(2, spec.stderr_path);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  // A group of its own, default signal handling and an empty mask, whatever the parent has.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  started_ = std::chrono::steady_clock::now();
  int rc = posix_spawn(&pid_, exe.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    ::close(cancel_pipe_[0]);
    ::close(cancel_pipe_[1]);
    util::throw_errno("run", spec.argv[0], rc);
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    int err = errno;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    reaped_ = true;
    util::throw_errno("watch", spec.argv[0], err);
  }
}

Process::~Process() {
  if (!reaped_ && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  for (int fd : {pidfd_, cancel_pipe_[0], cancel_pipe_[1]})
    if (fd >= 0) ::close(fd);
}

void Process::cancel() {
  char byte = 1;
  (void)!::write(cancel_pipe_[1], &byte, 1);
}

void Process::terminate_group() {
  if (spec_.on_stop) {
    try {
      spec_.on_stop();
    } catch (const std::exception&) {
      // The group is signalled regardless.
    }
  }
  ::kill(-pid_, SIGTERM);
  pollfd p{pidfd_, POLLIN, 0};
  int waited = 0;
  int grace = static_cast<int>(spec_.grace.count());
  while (waited < grace) {
    int n = ::poll(&p, 1, std::min(100, grace - waited));
    if (n > 0) break;
    waited += 100;
  }
  ::kill(-pid_, SIGKILL);
}

ProcessOutcome Process::wait() {
  ProcessOutcome outcome;
  pollfd fds[2] = {{pidfd_, POLLIN, 0}, {cancel_pipe_[0], POLLIN, 0}};
  for (;;) {
    int timeout = spec_.on_tick ? static_cast<int>(spec_.tick.count()) : -1;
    bool deadline = false;
    if (spec_.timeout) {
      int64_t left = std::max<int64_t>(0, spec_.timeout->count() - elapsed_ms(started_));
      deadline = timeout < 0 || left <= timeout;
      if (deadline) timeout = static_cast<int>(left);
    }
    int n = ::poll(fds, 2, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && !deadline) {
      spec_.on_tick();
      continue;
    }
    if (n == 0 && spec_.timeout && !outcome.timed_out && !outcome.cancelled) {
      outcome.timed_out = true;
      terminate_group();
      spec_.timeout.reset();
      continue;
    }
    if (fds[1].revents & POLLIN) {
      char byte;
      (void)!::read(cancel_pipe_[0], &byte, 1);
      if (!outcome.timed_out && !outcome.cancelled) {
        outcome.cancelled = true;
        terminate_group();
      }
      continue;
    }
    if (fds[0].revents & POLLIN) break;
  }
  // The leader has exited but is not reaped, so its pid (the group id) cannot be reused yet:
  // anything it left running in the group goes with it.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  outcome.duration_ms = elapsed_ms(started_);
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  return outcome;
}

}  // namespace mlops::engine
