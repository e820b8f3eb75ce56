#include "engine/spark.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace mlops::engine {

std::string spark_submit_command(const std::map<std::string, std::string>& env) {
  auto home = env.find("SPARK_HOME");
  if (home != env.end() && !home->second.empty()) return home->second + "/bin/spark-submit";
  return "spark-submit";
}

std::vector<std::string> spark_submit_argv(const std::string& spark_submit, const SparkJob& job,
                                           const SparkTarget& target, const std::string& event_log_dir,
                                           int ui_port, const std::map<std::string, std::string>& contract,
                                           const std::string& listener_jar) {
  std::map<std::string, std::string> conf = job.conf;
  for (const auto& [k, v] : target.conf) conf[k] = v;
  // What monitoring relies on wins over what the pipeline or node said.
  conf["spark.eventLog.enabled"] = "true";
  conf["spark.eventLog.dir"] = "file://" + event_log_dir;
  conf["spark.eventLog.compress"] = "false";
  conf["spark.eventLog.rolling.enabled"] = "false";
  conf["spark.ui.port"] = std::to_string(ui_port);
  if (!listener_jar.empty()) {
    std::string& listeners = conf["spark.extraListeners"];
    listeners = "org.mlops.MlopsListener" + (listeners.empty() ? "" : "," + listeners);
    if (contract.count("MLOPS_STATS")) conf["spark.mlops.stats"] = contract.at("MLOPS_STATS");
  }
  for (const auto& [k, v] : contract) {
    conf["spark.executorEnv." + k] = v;
    conf["spark.yarn.appMasterEnv." + k] = v;
    conf["spark.kubernetes.driverEnv." + k] = v;
  }
  std::vector<std::string> argv = {spark_submit, "--master", target.master, "--deploy-mode", target.deploy_mode};
  if (!job.main_class.empty()) argv.insert(argv.end(), {"--class", job.main_class});
  if (!listener_jar.empty()) argv.insert(argv.end(), {"--jars", listener_jar});
  if (!job.packages.empty()) {
    std::string joined;
    for (const auto& p : job.packages) joined += (joined.empty() ? "" : ",") + p;
    argv.insert(argv.end(), {"--packages", joined});
  }
  for (const auto& [k, v] : conf) argv.insert(argv.end(), {"--conf", k + "=" + v});
  argv.push_back(job.app);
  argv.insert(argv.end(), job.args.begin(), job.args.end());
  return argv;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) util::throw_errno("create a socket for", "a free port", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  int err = errno;
  ::close(fd);
  if (!port) util::throw_errno("find", "a free port", err);
  return port;
}

}  // namespace mlops::engine
