// mlops server run [--listen ADDR] [--tls-dir DIR] [--insecure-http]: the control plane, in the
// foreground, over the store --store names. One line on stdout when it listens, one per request
// with -v; SIGINT or SIGTERM stop it (requests in flight finish).
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "schedule/cron.hpp"
#include "server/server.hpp"
#include "util/error.hpp"

namespace mlops::cli {

namespace {

struct ServerOptions {
  std::string listen = "127.0.0.1:8443";
  std::string tls_dir;
  bool insecure_http = false;
  std::vector<std::string> webhooks;
  std::string stats_retention = "90d";
};

int run(const ServerOptions& o, Env& env) {
  auto [host, port] = server::parse_listen(o.listen);
  server::ServerOptions opts;
  opts.store_root = env.store_root();
  opts.host = host;
  opts.port = port;
  opts.tls_dir = o.tls_dir.empty() ? opts.store_root + "/tls" : o.tls_dir;
  opts.plain_http = o.insecure_http;
  opts.version = MLOPS_VERSION;
  // Requests are served on many threads: one line at a time.
  auto log_mutex = std::make_shared<std::mutex>();
  opts.log = [&env, log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*log_mutex);
    env.debug(line);
  };
  opts.warn = [&env, log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*log_mutex);
    env.err << "mlops: " << line << "\n";
    env.err.flush();
  };
  if (o.stats_retention != "forever") opts.stats_retention_ms = schedule::parse_duration(o.stats_retention) * 1000;
  if (!o.webhooks.empty()) {
    // The secret comes from the environment, never the command line (which 'ps' shows everyone).
    const char* secret = std::getenv("MLOPS_WEBHOOK_SECRET");
    if (!secret || !*secret)
      throw util::Error(util::Exit::usage, "--webhook needs a secret to sign with in $MLOPS_WEBHOOK_SECRET");
    for (const auto& url : o.webhooks) {
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
        throw util::Error(util::Exit::usage, "invalid --webhook '" + url + "': a URL starting with https:// (or http://)");
      opts.webhooks.push_back({url, secret, ""});
    }
  }
  server::Server server(opts);

  // As in 'agent run': one thread takes the signals, before the server's threads exist.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::thread signals([&] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0 && sig != SIGUSR2) server.stop();
  });
  auto stop_signals = [&] {
    pthread_kill(signals.native_handle(), SIGUSR2);
    signals.join();
  };
  try {
    server.run([&](int bound) {
      std::string scheme = o.insecure_http ? "http" : "https";
      std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      if (!env.global.quiet) env.out << "server listening on " << scheme << "://" << shown << ":" << bound << "\n";
      env.out.flush();
    });
  } catch (...) {
    stop_signals();
    throw;
  }
  stop_signals();
  return 0;
}

}  // namespace

Action setup_server_run(Args& args) {
  auto o = std::make_shared<ServerOptions>();
  args.option("--listen", o->listen, "ADDR", "HOST:PORT to listen on (default 127.0.0.1:8443; port 0: any free one)");
  args.option("--tls-dir", o->tls_dir, "DIR", "ca.crt, server.crt and server.key (default: the store's tls directory)");
  args.flag("--insecure-http", o->insecure_http, "plain HTTP, without TLS: loopback addresses only");
  args.option("--stats-retention", o->stats_retention, "DURATION",
              "prune stat points older than this, hourly (default 90d; forever keeps them)");
  args.option("--webhook", o->webhooks, "URL",
              "post every alert and pending approval here, signed with $MLOPS_WEBHOOK_SECRET (repeatable)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
