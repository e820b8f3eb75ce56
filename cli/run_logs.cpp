// mlops run logs ID [-f]: a run's stdout and stderr; with -f, keep printing what it writes until it ends.
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "runtime/run.hpp"
#include "util/fs.hpp"

namespace mlops::cli {

namespace {

struct LogsOptions {
  std::string id;
  bool follow = false;
};

// Prints what the log gained since `offset`; returns the new offset.
off_t drain(const std::string& path, off_t offset, std::ostream& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return offset;
  util::Fd guard(fd);
  char buf[1 << 16];
  for (ssize_t n; (n = ::pread(fd, buf, sizeof buf, offset)) > 0; offset += n) out.write(buf, n);
  out.flush();
  return offset;
}

int logs(const LogsOptions& o, Env& env) {
  auto r = runtime::get_run(env.store(), o.id);
  std::string path = runtime::run_dir(env.store(), r.id) + "/run.log";
  off_t offset = drain(path, 0, env.out);
  // Follow until the run is over, then print the rest: nothing written before the end is missed.
  while (o.follow && r.status == "running") {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    r = runtime::get_run(env.store(), o.id);
    offset = drain(path, offset, env.out);
  }
  if (o.follow) drain(path, offset, env.out);
  return 0;
}

}  // namespace

Action setup_run_logs(Args& args) {
  auto o = std::make_shared<LogsOptions>();
  args.positional("id", o->id, "ID", "run id");
  args.flag("-f,--follow", o->follow, "keep printing new output until the run ends");
  return [o](Env& env) { return logs(*o, env); };
}

}  // namespace mlops::cli
