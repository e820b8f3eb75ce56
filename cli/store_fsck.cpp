// mlops store fsck: re-hash everything; exit 4 and a list of problems when anything is wrong.
#include <thread>

#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "store/fsck.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct FsckOptions {};

int run(const FsckOptions&, Env& env) {
  auto report = store::fsck(env.store(), std::max(1u, std::thread::hardware_concurrency()));
  int code = report.ok() ? 0 : static_cast<int>(util::Exit::integrity);
  if (structured_output(env)) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : report.problems) {
      nlohmann::json item = {{"problem", p.problem}, {"detail", p.detail}, {"usedBy", p.used_by}};
      item["digest"] = p.digest.empty() ? nlohmann::json() : nlohmann::json("sha256:" + p.digest);
      problems.push_back(item);
    }
    print_document(env, document("FsckReport", {{"ok", report.ok()},
                                                {"blobs", report.blobs},
                                                {"bytes", report.bytes},
                                                {"versions", report.versions},
                                                {"tempFiles", report.temp_files},
                                                {"problems", problems}}));
    return code;
  }
  for (const auto& p : report.problems) {
    std::string line = p.problem;
    if (!p.digest.empty()) line += " sha256:" + p.digest;
    if (!p.detail.empty()) line += ": " + p.detail;
    if (!p.used_by.empty()) {
      line += " (used by ";
      // Model users are NAME:VERSION; other users carry their kind already ("pipeline/NAME:VERSION").
      for (size_t i = 0; i < p.used_by.size(); ++i)
        line += (i ? ", " : "") + (p.used_by[i].find('/') == std::string::npos ? "model/" + p.used_by[i] : p.used_by[i]);
      line += ")";
    }
    env.out << line << "\n";
  }
  std::string summary = "checked " + std::to_string(report.blobs) + " blobs (" + util::human_bytes(report.bytes) +
                        ") and " + std::to_string(report.versions) + " versions: ";
  summary += report.ok() ? "ok" : std::to_string(report.problems.size()) + " problems";
  if (report.temp_files) summary += "; " + std::to_string(report.temp_files) + " leftover temporary files (run 'mlops store gc')";
  if (!env.global.quiet || !report.ok()) env.out << summary << "\n";
  return code;
}

}  // namespace

Action setup_store_fsck(Args&) {
  auto o = std::make_shared<FsckOptions>();
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
