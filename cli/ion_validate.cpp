// mlops ion validate -f FILE|DIR|-: every check apply makes, writing nothing.
#include <memory>

#include "cli/commands.hpp"
#include "cli/ion_common.hpp"
#include "cli/output.hpp"

namespace mlops::cli {

namespace {

struct ValidateOptions {
  std::string file;
};

int run(const ValidateOptions& o, Env& env) {
  IonInputs inputs = load_ion_inputs(env, o.file);
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names, lines;
  env.client().apply_ions(inputs, "", true);
  for (const auto& item : inputs.items) {
    items.push_back({{"name", item.ion.name}, {"valid", true}});
    names.push_back("ion/" + item.ion.name);
    lines.push_back(names.back() + " valid");
  }
  print_result(env, document("ValidationResult", {{"items", items}}), names, lines);
  return 0;
}

}  // namespace

Action setup_ion_validate(Args& args) {
  auto o = std::make_shared<ValidateOptions>();
  args.option("-f,--filename", o->file, "FILE", "ION manifest file, directory, or - for stdin", true);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
