// mlops ion apply -f FILE|DIR|- [--dry-run] [--cause TEXT]: all or nothing. Everything is parsed and
// checked (pipelines referenced must exist or come with the directory) before anything is written.
#include <memory>

#include "cli/commands.hpp"
#include "cli/ion_common.hpp"
#include "cli/output.hpp"
#include "pipeline/registry.hpp"

namespace mlops::cli {

namespace {

struct ApplyOptions {
  std::string file;
  std::string cause;
  bool dry_run = false;
};

int run(const ApplyOptions& o, Env& env) {
  IonInputs inputs = load_ion_inputs(env, o.file);
  auto& st = env.store();
  for (const auto& item : inputs.items) ion::check_references(st, item.ion, inputs.pending);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  std::string suffix = o.dry_run ? " (dry run)" : "";
  for (const auto& [name, dir] : inputs.pending_dirs) {
    std::string outcome = "uploaded";
    int64_t version = 0;
    if (!o.dry_run) {
      auto r = pipeline::upload_pipeline(st, dir, env.actor(), env.clock.now_ms());
      outcome = r.unchanged ? "unchanged" : "uploaded";
      version = r.version.version;
    }
    items.push_back({{"kind", "Pipeline"}, {"name", name}, {"outcome", outcome}, {"version", version}});
    names.push_back("pipeline/" + name);
    lines.push_back("pipeline/" + name + (version ? ":" + std::to_string(version) : "") + " " + outcome + suffix);
  }
  std::string cause = o.cause.empty() ? "apply -f " + o.file : o.cause;
  for (const auto& r : ion::apply_ions(st, inputs.items, env.actor(), env.clock.now_ms(), cause, o.dry_run)) {
    items.push_back({{"kind", "ION"}, {"name", r.name}, {"outcome", r.outcome}, {"revision", r.revision}});
    names.push_back("ion/" + r.name);
    lines.push_back("ion/" + r.name + " " + r.outcome + suffix);
  }
  print_result(env, document("ApplyResult", {{"dryRun", o.dry_run}, {"items", items}}), names, lines);
  return 0;
}

}  // namespace

Action setup_ion_apply(Args& args) {
  auto o = std::make_shared<ApplyOptions>();
  args.option("-f,--filename", o->file, "FILE", "ION manifest file, directory, or - for stdin", true);
  args.flag("--dry-run", o->dry_run, "check everything and show what would change, writing nothing");
  args.option("--cause", o->cause, "TEXT", "why, recorded in 'ion history' (default: the command)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
