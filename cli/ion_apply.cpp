// mlops ion apply -f FILE|DIR|- [--dry-run] [--cause TEXT]: all or nothing. Everything is parsed and
// checked (pipelines referenced must exist or come with the directory) before anything is written.
#include <memory>

#include "cli/commands.hpp"
#include "cli/ion_common.hpp"
#include "cli/output.hpp"
#include "api/resources.hpp"

namespace mlops::cli {

namespace {

struct ApplyOptions {
  std::string file;
  std::string cause;
  bool dry_run = false;
};

int run(const ApplyOptions& o, Env& env) {
  IonInputs inputs = load_ion_inputs(env, o.file);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  std::string suffix = o.dry_run ? " (dry run)" : "";
  std::string cause = o.cause.empty() ? "apply -f " + o.file : o.cause;
  for (const auto& a : env.client().apply_ions(inputs, cause, o.dry_run)) {
    items.push_back(api::applied(a));
    if (a.kind == "Pipeline") {
      names.push_back("pipeline/" + a.name);
      lines.push_back(names.back() + (a.number ? ":" + std::to_string(a.number) : "") + " " + a.outcome + suffix);
    } else {
      names.push_back("ion/" + a.name);
      lines.push_back(names.back() + " " + a.outcome + suffix);
    }
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
