#include "engine/spark_listener.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "engine/process.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace mlops::engine {

using util::Error;
using util::Exit;

namespace {

std::string on_path(const std::string& cmd, const std::map<std::string, std::string>& env) {
  auto it = env.find("PATH");
  for (const auto& dir : util::split(it == env.end() ? "/usr/local/bin:/usr/bin:/bin" : it->second, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + cmd;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Runs a command to completion; its output goes to `log`. Throws with the log's last line on failure.
void run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, const std::string& log) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.stdout_path = spec.stderr_path = log;
  spec.timeout = std::chrono::milliseconds(120000);
  Process p(spec);
  auto outcome = p.wait();
  if (outcome.ok()) return;
  auto lines = util::split(util::path_exists(log) ? util::read_file(log) : "", '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  throw Error(Exit::error, "'" + argv[0] + "' " + outcome.describe() + (lines.empty() ? "" : ": " + lines.back()));
}

}  // namespace

std::string spark_home(const std::map<std::string, std::string>& env, const std::string& scratch_dir) {
  auto it = env.find("SPARK_HOME");
  if (it != env.end() && !it->second.empty()) return it->second;
  std::string submit = on_path("spark-submit", env);
  if (submit.empty()) return "";
  std::string bin = util::dirname_of(submit);
  if (util::path_exists(bin + "/../jars")) return bin + "/..";
  std::string finder = bin + "/find_spark_home.py";
  if (!util::path_exists(finder)) return "";
  std::string out = scratch_dir + "/spark-home.txt";
  std::string home;
  try {
    run({finder}, env, out);
    home = util::read_file(out);
  } catch (const Error&) {
  }
  ::unlink(out.c_str());
  while (!home.empty() && (home.back() == '\n' || home.back() == ' ')) home.pop_back();
  return home.find('\n') == std::string::npos ? home : "";
}

std::string listener_jar(const std::string& cache_dir, const std::map<std::string, std::string>& env) {
  util::make_dirs(cache_dir);
  std::string home = spark_home(env, cache_dir);
  if (home.empty()) throw Error(Exit::not_found, "no Spark found (set SPARK_HOME or put spark-submit on PATH)");
  std::vector<std::string> jars;
  for (const auto& name : util::list_dir(home + "/jars"))
    if (name.rfind("spark-core_", 0) == 0 || name.rfind("scala-library-", 0) == 0) jars.push_back(name);
  if (jars.empty()) throw Error(Exit::not_found, "no Spark jars in '" + home + "/jars'");
  std::sort(jars.begin(), jars.end());
  std::string key = spark_listener_source();
  for (const auto& j : jars) key += "\n" + j;
  std::string dir = cache_dir + "/" + util::sha256_hex(key).substr(0, 16);
  std::string jar = dir + "/mlops-listener.jar";
  if (util::path_exists(jar)) return jar;

  std::string work = util::make_temp_dir(cache_dir);
  try {
    util::make_dirs(work + "/src/org/mlops");
    {
      util::TempFile src(work + "/src/org/mlops");
      std::string text = spark_listener_source();
      util::write_all(src.fd(), text.data(), text.size(), src.path());
      src.commit(work + "/src/org/mlops/MlopsListener.java", false);
    }
    std::string javac = on_path("javac", env), jar_tool = on_path("jar", env);
    if (javac.empty() || jar_tool.empty()) throw Error(Exit::not_found, "no javac and jar on PATH (install a JDK)");
    run({javac, "-nowarn", "-d", work + "/classes", "-cp", home + "/jars/*", work + "/src/org/mlops/MlopsListener.java"},
        env, work + "/build.log");
    run({jar_tool, "cf", work + "/mlops-listener.jar", "-C", work + "/classes", "."}, env, work + "/build.log");
    // Publish whole: another run building the same jar at the same time simply loses the race.
    if (::rename(work.c_str(), dir.c_str()) != 0 && errno != ENOTEMPTY && errno != EEXIST)
      util::throw_errno("publish", dir, errno);
  } catch (...) {
    util::remove_all(work);
    throw;
  }
  if (util::path_exists(work)) util::remove_all(work);
  return jar;
}

}  // namespace mlops::engine
