// The file 'mlops agent run --config FILE' reads: who the agent is, which server it answers to,
// where it keeps its data, and how it behaves on a thin or absent link.
//
//   apiVersion: mlops/v1
//   kind: AgentConfig
//   name: edge-1                     # the name it joined under (its certificate's)
//   server: https://cloud:8443
//   credentials: agent               # ca.crt, agent.crt, agent.key from 'mlops agent join'
//   dataDir: data                    # its replica store and spool
//   labels: {tier: edge}             # for placement selectors
//   engines: [python]                # what it says it can run (shown by 'agent list')
//   poll: {interval: 5s, maxBackoff: 1m}
//   spool: {maxSize: 256MiB, overflow: drop-oldest}   # or drop-newest
//   transfer: {maxRate: 10MiB}       # bytes per second, each way (0: no limit)
//   metrics: {listen: 127.0.0.1:9464}  # /metrics for Prometheus, plain HTTP (default: none)
//   stats: {retention: 7d}           # stat points kept in the replica (the spool keeps its own copy)
//
// Relative paths are relative to the file. MLOPS_AGENT_SERVER overrides server.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlops::agent {

struct AgentConfig {
  std::string path;  // the file
  std::string name;
  std::string server;
  std::string credentials;  // directory
  std::string data_dir;
  std::map<std::string, std::string> labels;
  std::vector<std::string> engines;
  int64_t poll_ms = 5000, max_backoff_ms = 60000;
  int64_t spool_max_bytes = 256ll << 20;
  std::string overflow = "drop-oldest";
  int64_t max_rate = 0;
  int64_t stats_retention_ms = 7ll * 24 * 3600 * 1000;
  std::string metrics_host;  // "" when /metrics is not served
  int metrics_port = 0;
};

// Parses the text of a config file (`name` for messages, `dir` for relative paths); errors are
// located (file:line:col).
AgentConfig parse_agent_config(const std::string& name, const std::string& text, const std::string& dir);
AgentConfig load_agent_config(const std::string& path);

// "256MiB", "10MB", "1.5GiB", "4096" -> bytes; a usage error otherwise.
int64_t parse_size(const std::string& text);

}  // namespace mlops::agent
