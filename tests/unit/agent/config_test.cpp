#include "agent/config.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops;

namespace {

std::string error_of(const std::string& text) {
  try {
    agent::parse_agent_config("agent.yaml", text, "/etc/mlops");
  } catch (const util::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an agent config: defaults beside the file, sizes and durations in the usual units") {
  auto c = agent::parse_agent_config("agent.yaml",
                                     "apiVersion: mlops/v1\nkind: AgentConfig\nname: edge-1\nserver: https://cloud:8443\n"
                                     "labels: {tier: edge}\nengines: [python]\npoll: {interval: 10s, maxBackoff: 2m}\n"
                                     "spool: {maxSize: 1GiB, overflow: drop-newest}\ntransfer: {maxRate: 2MB}\n",
                                     "/etc/mlops");
  CHECK(c.name == "edge-1");
  CHECK(c.credentials == "/etc/mlops/agent");
  CHECK(c.data_dir == "/etc/mlops/data");
  CHECK(c.labels == std::map<std::string, std::string>{{"tier", "edge"}});
  CHECK(c.poll_ms == 10000);
  CHECK(c.max_backoff_ms == 120000);
  CHECK(c.spool_max_bytes == 1073741824);
  CHECK(c.overflow == "drop-newest");
  CHECK(c.max_rate == 2000000);
  auto d = agent::parse_agent_config("a.yaml", "apiVersion: mlops/v1\nkind: AgentConfig\nname: e\nserver: https://x\n"
                                     "dataDir: /var/lib/mlops\n", "/etc");
  CHECK(d.data_dir == "/var/lib/mlops");
  CHECK(d.poll_ms == 5000);
  CHECK(d.overflow == "drop-oldest");
}

TEST_CASE("an agent config's mistakes are located") {
  const std::string head = "apiVersion: mlops/v1\nkind: AgentConfig\nname: e\nserver: https://x\n";
  CHECK(error_of(head + "spool: {overflow: drop-all}\n").rfind("agent.yaml:5:19: invalid overflow 'drop-all'", 0) == 0);
  CHECK(error_of(head + "poll: {interval: soon}\n").rfind("agent.yaml:5:18: invalid duration 'soon'", 0) == 0);
  CHECK(error_of(head + "transfer: {maxRate: fast}\n").rfind("agent.yaml:5:21: invalid size 'fast'", 0) == 0);
  CHECK(error_of(head + "label: {a: b}\n").rfind("agent.yaml:5:1: unknown field 'label'", 0) == 0);
  CHECK(error_of("apiVersion: mlops/v1\nkind: AgentConfig\nname: Edge 1\nserver: https://x\n")
            .rfind("agent.yaml:3:7: invalid agent name 'Edge 1'", 0) == 0);
  CHECK(error_of("apiVersion: mlops/v1\nkind: AgentConfig\nname: e\nserver: ftp://x\n")
            .rfind("agent.yaml:4:9: expected an https:// URL", 0) == 0);
}

TEST_CASE("parse_size") {
  CHECK(agent::parse_size("4096") == 4096);
  CHECK(agent::parse_size("256MiB") == 268435456);
  CHECK(agent::parse_size("1.5GiB") == 1610612736);
  CHECK(agent::parse_size("10MB") == 10000000);
  CHECK_THROWS_AS(agent::parse_size("MiB"), util::Error);
  CHECK_THROWS_AS(agent::parse_size("-1"), util::Error);
  CHECK_THROWS_AS(agent::parse_size("5 parsecs"), util::Error);
}
