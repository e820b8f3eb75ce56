// mlops ion get [NAME]: IONs with their current revision. -o json|yaml gives the applied manifests.
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ion/registry.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct GetOptions {
  std::string name;
};

nlohmann::json ion_document(const ion::Revision& r) {
  nlohmann::json doc = r.spec;
  doc["status"] = {{"revision", r.revision}, {"appliedAt", util::format_rfc3339(r.applied_ms)},
                   {"appliedBy", r.applied_by}, {"cause", r.cause}};
  return doc;
}

int run(const GetOptions& o, Env& env) {
  std::vector<ion::Revision> ions;
  if (o.name.empty())
    ions = env.client().list_ions();
  else
    ions.push_back(env.client().current_ion(o.name));
  if (structured_output(env)) {
    if (!o.name.empty()) {
      print_document(env, ion_document(ions.front()));
      return 0;
    }
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : ions) items.push_back(ion_document(r));
    print_document(env, document("IONList", {{"items", items}}));
    return 0;
  }
  Table table;
  table.columns = {{"NAME"}, {"REVISION"}, {"NODES"}, {"EDGES"}, {"APPLIED BY", true}, {"AGE"}};
  std::vector<std::string> names;
  for (const auto& r : ions) {
    names.push_back("ion/" + r.name);
    table.rows.push_back({r.name, std::to_string(r.revision), std::to_string(r.spec["spec"]["nodes"].size()),
                          std::to_string(r.spec["spec"]["edges"].size()), r.applied_by,
                          util::format_age(env.clock.now_ms(), r.applied_ms)});
  }
  if (ions.empty() && env.global.output != "name") {
    env.err << "no IONs found\n";
    return 0;
  }
  print_list(env, "ION", nlohmann::json::array(), table, names);
  return 0;
}

}  // namespace

Action setup_ion_get(Args& args) {
  auto o = std::make_shared<GetOptions>();
  args.positional("name", o->name, "NAME", "only this ION", false);
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
