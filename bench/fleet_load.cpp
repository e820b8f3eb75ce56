// Simulated agents against one mlops server, for bench/fleet.sh. Each connection is one agent
// (its own client certificate) and sends either heartbeats (assignment polls answered 304) at a
// fixed total rate, open loop, so latency counts from when each request was due and a slow server
// cannot hide its backlog; or spool batches of stat points as fast as the server takes them.
// "heartbeat" keeps each agent's connection alive; "handshake" opens a new one for every poll, as
// `mlops agent run` does (a full TLS handshake with the client certificate each time; the TLS
// context with the certificate loaded is kept, so the client's side costs no more than it must).
//
//   fleet_load heartbeat|handshake URL CA AGENTS_DIR CONNECTIONS SECONDS RATE
//   fleet_load stats     URL CA AGENTS_DIR CONNECTIONS SECONDS POINTS_PER_BATCH
//
// AGENTS_DIR holds one directory per agent (NAME/agent.crt, NAME/agent.key). Prints one JSON line.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

struct Result {
  std::vector<double> latencies_ms;
  long failures = 0, points = 0;
};

std::unique_ptr<httplib::SSLClient> connect(const std::string& host, int port, const std::string& ca,
                                            const std::string& dir) {
  auto c = std::make_unique<httplib::SSLClient>(host, port, dir + "/agent.crt", dir + "/agent.key");
  c->set_ca_cert_path(ca.c_str());
  c->enable_server_certificate_verification(true);
  c->set_keep_alive(true);
  c->set_read_timeout(10, 0);
  return c;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: fleet_load heartbeat|handshake|stats URL CA AGENTS_DIR CONNECTIONS SECONDS RATE|POINTS\n");
    return 2;
  }
  std::string mode = argv[1], url = argv[2], ca = argv[3], agents_dir = argv[4];
  int connections = std::stoi(argv[5]);
  double seconds = std::stod(argv[6]);
  long param = std::stol(argv[7]);
  std::string hostport = url.substr(url.find("//") + 2);
  std::string host = hostport.substr(0, hostport.rfind(':'));
  int port = std::stoi(hostport.substr(hostport.rfind(':') + 1));
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(agents_dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  if (static_cast<int>(names.size()) < connections) {
    std::fprintf(stderr, "fleet_load: %d connections need as many agents, %zu in %s\n", connections, names.size(),
                 agents_dir.c_str());
    return 2;
  }
  std::vector<Result> results(static_cast<size_t>(connections));
  auto start = Clock::now() + std::chrono::milliseconds(500);
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      auto& r = results[static_cast<size_t>(t)];
      std::string name = names[static_cast<size_t>(t)];
      auto client = connect(host, port, ca, agents_dir + "/" + name);
      std::string path = "/api/v1/agents/" + name + "/assignment", etag;
      if (auto first = client->Get(path)) etag = first->get_header_value("ETag");
      if (mode == "handshake") client->set_keep_alive(false);
      httplib::Headers headers = {{"If-None-Match", etag}};
      long seq = static_cast<long>(Clock::now().time_since_epoch().count() / 1000);  // fresh numbers each run
      std::this_thread::sleep_until(start);
      if (mode == "heartbeat" || mode == "handshake") {
        // Open loop: request i is due at start + i * interval, whatever happened to the one before.
        auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(connections / double(param)));
        auto due = start + interval * t / connections;
        while (due < end) {
          std::this_thread::sleep_until(due);
          auto res = client->Get(path, headers);
          auto done = Clock::now();
          if (!res || res->status != 304) ++r.failures;
          r.latencies_ms.push_back(std::chrono::duration<double, std::milli>(done - due).count());
          due += interval;
        }
      } else {
        std::string spool = "/api/v1/agents/" + name + "/spool";
        while (Clock::now() < end) {
          // As an agent's spool sends them: points under consecutive numbers in one "stats" item.
          std::string body = "{\"items\":[{\"seq\":" + std::to_string(seq + 1) + ",\"kind\":\"stats\",\"points\":[";
          for (long i = 0; i < param; ++i) {
            if (i) body += ',';
            body += "[\"bench\",\"fleet\",\"" + name + "\",\"stat\",\"latency\",null," + std::to_string(i) + ",\"{}\"," +
                    std::to_string(1796000000000 + i) + "]";
          }
          body += "]}]}";
          seq += param;
          auto sent = Clock::now();
          auto res = client->Post(spool, body, "application/json");
          auto done = Clock::now();
          if (!res || res->status != 200) {
            ++r.failures;
          } else {
            r.points += param;
          }
          r.latencies_ms.push_back(std::chrono::duration<double, std::milli>(done - sent).count());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  long failures = 0, points = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    failures += r.failures;
    points += r.points;
  }
  double p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  std::printf("{\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.1f,\"requests\":%zu,\"failures\":%ld,"
              "\"requestsPerSecond\":%.0f,\"pointsPerSecond\":%.0f,\"p50Ms\":%.2f,\"p99Ms\":%.2f}\n",
              mode.c_str(), connections, seconds, all.size(), failures, static_cast<double>(all.size()) / seconds,
              static_cast<double>(points) / seconds, p50, p99);
  return failures ? 1 : 0;
}
