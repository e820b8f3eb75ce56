// What commands ask of wherever the models are, with one implementation over the local store and
// one over a server (a context, cli/config.hpp), so a command reads the same either way. Commands
// move here one by one; until a command has, it refuses to run while a server context is in use
// rather than act on the local store by surprise (see Env::store).
#pragma once

#include <memory>
#include <vector>

#include "cli/config.hpp"
#include "net/http.hpp"
#include "runtime/approval.hpp"
#include "runtime/run.hpp"
#include "store/registry.hpp"
#include "store/store.hpp"
#include "store/tree.hpp"

namespace mlops::cli {

class Client {
 public:
  virtual ~Client() = default;
  virtual std::vector<store::ModelVersion> list_models(const store::ListFilter& filter) = 0;
  // A version by reference, with its tree when it is a directory.
  virtual std::pair<store::ModelVersion, store::Tree> show_model(const std::string& ref) = 0;
  // A new version from a file or directory; the version as recorded.
  virtual store::ModelVersion push_model(const store::PushRequest& request) = 0;
  // The version, written under its source name inside dest_dir, verified, or not at all.
  virtual store::PullResult pull_model(const std::string& ref, const std::string& dest_dir, bool force) = 0;
  // Models held by approval policies, and people's decisions on them.
  virtual std::vector<runtime::Pending> pending_approvals(int64_t now_ms) = 0;
  virtual std::vector<runtime::FlowEvent> decide(const runtime::Decision& d) = 0;
  // Runs, newest last, and one run with a summary of its stats.
  virtual std::vector<runtime::RunRecord> list_runs(const std::string& ion, const std::string& node) = 0;
  virtual std::pair<runtime::RunRecord, std::vector<runtime::StatSummary>> show_run(const std::string& id) = 0;
  // Agents that joined (AgentList items), and revoking one.
  virtual nlohmann::json list_agents() = 0;
  virtual void revoke_agent(const std::string& name, int64_t now_ms) = 0;
};

// A request to `path` on the context's server, with its CA and credentials.
net::HttpRequest server_request(const Context& context, const std::string& path);

std::unique_ptr<Client> local_client(store::Store& store);
std::unique_ptr<Client> server_client(const Context& context);

}  // namespace mlops::cli
