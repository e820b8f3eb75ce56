// mlops model show REF
#include <cstdio>

#include <memory>

#include "api/documents.hpp"
#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ShowOptions {
  std::string ref;
};

int run(const ShowOptions& o, Env& env) {
  store::parse_model_ref(o.ref);  // a malformed reference is a usage error here, for a server too
  auto [v, tree] = env.client().show_model(o.ref);

  if (env.global.output == "name") {
    env.out << "model/" << version_id(v) << "\n";
    return 0;
  }
  if (structured_output(env)) {
    auto body = version_json(v);
    if (v.type == "directory") body["tree"] = api::model_tree(tree);
    print_document(env, document("ModelVersion", body));
    return 0;
  }
  std::string aliases;
  for (const auto& a : v.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  print_fields(env, {{"Name", v.name},
                     {"Version", std::to_string(v.version)},
                     {"Digest", "sha256:" + v.digest},
                     {"Type", v.type},
                     {"Size", util::human_bytes(v.size) + " (" + std::to_string(v.size) + " bytes)"},
                     {"Files", std::to_string(v.files)},
                     {"Source", v.source},
                     {"Aliases", or_dash(aliases)},
                     {"Metrics", or_dash(key_values(v.metrics))},
                     {"Params", or_dash(key_values(v.params))},
                     {"Labels", or_dash(key_values(v.labels))},
                     {"Created", util::format_rfc3339(v.created_ms) + " by " + v.created_by}});
  if (v.type == "directory") {
    env.out << "Tree:\n";
    for (const auto& e : tree.entries) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", e.mode);
      env.out << "  " << mode << "  " << (e.is_dir ? std::string(10, ' ') : util::human_bytes(e.size) +
                                                                             std::string(10 - std::min<size_t>(10, util::human_bytes(e.size).size()), ' '))
              << "  " << e.path << (e.is_dir ? "/" : "") << "\n";
    }
  }
  return 0;
}

}  // namespace

Action setup_model_show(Args& args) {
  auto o = std::make_shared<ShowOptions>();
  args.positional("ref", o->ref, "REF", "NAME, NAME:VERSION, NAME@ALIAS or sha256:HEX");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
