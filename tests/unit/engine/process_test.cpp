#include "engine/process.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "../temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace mlops::engine;
using namespace std::chrono_literals;

namespace {

ProcessSpec sh(const std::string& script, const mlops::testing::TempDir& dir) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = {{"PATH", "/usr/bin:/bin"}, {"GREETING", "hello"}};
  spec.cwd = dir.path();
  spec.stdout_path = dir / "out.log";
  spec.stderr_path = dir / "err.log";
  return spec;
}

// Running (not gone, not a zombie waiting for whoever adopted it to reap it).
bool alive(pid_t pid) {
  std::string stat;
  try {
    stat = mlops::util::read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const mlops::util::Error&) {
    return false;
  }
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("exit codes, environment, working directory and logs") {
  mlops::testing::TempDir dir;
  Process p(sh("echo $GREETING; pwd; echo oops >&2; exit 3", dir));
  auto o = p.wait();
  CHECK(o.exit_code == 3);
  CHECK_FALSE(o.ok());
  CHECK(o.describe() == "exit 3");
  CHECK(mlops::util::read_file(dir / "out.log") == "hello\n" + dir.path() + "\n");
  CHECK(mlops::util::read_file(dir / "err.log") == "oops\n");
  Process q(sh("echo again", dir));
  CHECK(q.wait().ok());
  CHECK(mlops::util::read_file(dir / "out.log") == "hello\n" + dir.path() + "\nagain\n");  // appended
}

TEST_CASE("a signal that ends the process is recorded") {
  mlops::testing::TempDir dir;
  Process p(sh("kill -SEGV $$", dir));
  auto o = p.wait();
  CHECK(o.signal == SIGSEGV);
  CHECK(o.describe() == "killed by SIGSEGV");
}

TEST_CASE("a timeout kills the whole process tree") {
  mlops::testing::TempDir dir;
  auto spec = sh("sleep 30 & echo $! > child.pid; trap '' TERM; sleep 30", dir);
  spec.timeout = 300ms;
  spec.grace = 200ms;
  auto start = std::chrono::steady_clock::now();
  Process p(spec);
  auto o = p.wait();
  CHECK(o.timed_out);
  CHECK(o.signal == SIGKILL);  // it ignored SIGTERM, so the grace period ran out
  CHECK(o.describe() == "killed by SIGKILL (timed out)");
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  pid_t child = std::atoi(mlops::util::read_file(dir / "child.pid").c_str());
  REQUIRE(child > 0);
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(alive(child));
}

TEST_CASE("cancel from another thread stops the group") {
  mlops::testing::TempDir dir;
  Process p(sh("sleep 30", dir));
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    p.cancel();
  });
  auto o = p.wait();
  canceller.join();
  CHECK(o.cancelled);
  CHECK(o.signal == SIGTERM);
  CHECK(o.describe() == "cancelled");
}

TEST_CASE("what the leader leaves running in its group goes with it") {
  mlops::testing::TempDir dir;
  Process p(sh("sleep 30 & echo $! > child.pid", dir));
  CHECK(p.wait().ok());
  pid_t child = std::atoi(mlops::util::read_file(dir / "child.pid").c_str());
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(alive(child));
}

TEST_CASE("a command that cannot start is an error, looked up in the child's PATH") {
  mlops::testing::TempDir dir;
  auto spec = sh("", dir);
  spec.argv = {"no-such-command-here"};
  CHECK_THROWS_WITH(Process{spec}, "cannot run 'no-such-command-here': command not found in PATH '/usr/bin:/bin'");
  spec.argv = {dir / "missing"};
  try {
    Process p(spec);
    FAIL("expected an error");
  } catch (const mlops::util::Error& e) {
    CHECK(e.code() == mlops::util::Exit::not_found);
  }
}

TEST_CASE("the tick runs on the waiting thread and may cancel; the timeout still holds between ticks") {
  mlops::testing::TempDir dir;
  auto spec = sh("sleep 30", dir);
  int ticks = 0;
  Process* self = nullptr;
  spec.tick = 20ms;
  spec.on_tick = [&] {
    if (++ticks == 3) self->cancel();
  };
  Process p(spec);
  self = &p;
  auto o = p.wait();
  CHECK(o.cancelled);
  CHECK(ticks >= 3);

  auto timed = sh("sleep 30", dir);
  timed.tick = 50ms;
  timed.timeout = 120ms;
  int counted = 0;
  timed.on_tick = [&] { ++counted; };
  Process q(timed);
  auto t = q.wait();
  CHECK(t.timed_out);
  CHECK(counted >= 1);
}
