#include "engine/spark.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <regex>

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
  // The standalone client returns once the driver is accepted unless told to wait; a run lasts as
  // long as its driver.
  if (target.deploy_mode == "cluster" && target.master.rfind("spark://", 0) == 0)
    conf.emplace("spark.standalone.submit.waitAppCompletion", "true");
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

std::vector<std::string> spark_kill_argv(const std::string& spark_submit, const SparkTarget& target,
                                         const std::string& log, std::string& why) {
  auto last = [&](const std::regex& re) {
    std::string found;
    for (std::sregex_iterator it(log.begin(), log.end(), re), end; it != end; ++it) found = (*it)[1];
    return found;
  };
  const std::string& master = target.master;
  if (master.rfind("spark://", 0) == 0) {
    std::string id = last(std::regex(R"((driver-[0-9]+-[0-9]+))"));
    if (id.empty()) {
      why = "spark-submit has not named the driver yet";
      return {};
    }
    auto rest = target.conf.find("spark.master.rest.enabled");
    if (rest != target.conf.end() && rest->second == "true") return {spark_submit, "--master", master, "--kill", id};
    auto slash = spark_submit.rfind('/');
    std::string spark_class = slash == std::string::npos ? "spark-class" : spark_submit.substr(0, slash) + "/spark-class";
    return {spark_class, "org.apache.spark.deploy.Client", "kill", master, id};
  }
  if (master.rfind("k8s://", 0) == 0) {
    std::string pod = last(std::regex(R"(pod name: (\S+))")), ns = last(std::regex(R"(namespace: (\S+))"));
    if (pod.empty() || ns.empty()) {
      why = "spark-submit has not named the driver pod yet";
      return {};
    }
    return {spark_submit, "--master", master, "--kill", ns + ":" + pod};
  }
  std::string app = last(std::regex(R"((application_[0-9]+_[0-9]+))"));
  why = "spark-submit cannot kill a " + master + " application" +
        (app.empty() ? "" : "; to stop it: yarn application -kill " + app);
  return {};
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
