// mlops store gc [--dry-run]: remove what no model version reaches.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "store/gc.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct GcOptions {
  bool dry_run = false;
};

int run(const GcOptions& o, Env& env) {
  auto report = store::gc(env.store(), o.dry_run);
  if (structured_output(env)) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& b : report.removed) removed.push_back({{"digest", "sha256:" + b.hex}, {"size", b.size}});
    print_document(env, document("GcReport", {{"dryRun", o.dry_run},
                                              {"removed", removed},
                                              {"tempFiles", report.temp_files},
                                              {"bytes", report.bytes}}));
    return 0;
  }
  if (o.dry_run || env.global.verbose)
    for (const auto& b : report.removed)
      env.out << (o.dry_run ? "would remove" : "removed") << " sha256:" << b.hex << " (" << util::human_bytes(b.size)
              << ")\n";
  print_mutation(env, std::string(o.dry_run ? "would remove " : "removed ") + std::to_string(report.removed.size()) +
                          " blobs and " + std::to_string(report.temp_files) + " temporary files, " +
                          (o.dry_run ? "freeing " : "freed ") + util::human_bytes(report.bytes));
  return 0;
}

}  // namespace

Action setup_store_gc(Args& args) {
  auto o = std::make_shared<GcOptions>();
  args.flag("--dry-run", o->dry_run, "list what would be removed and remove nothing");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
