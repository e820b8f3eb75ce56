// mlops model show REF
#include <cstdio>

#include <memory>

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
  auto ref = store::parse_model_ref(o.ref);
  auto& st = env.store();
  store::ModelVersion v = st.registry().resolve(ref);
  store::Tree tree;
  if (v.type == "directory") tree = st.read_tree(v.digest);

  if (env.global.output == "name") {
    env.out << "model/" << version_id(v) << "\n";
    return 0;
  }
  if (structured_output(env)) {
    auto body = version_json(v);
    if (v.type == "directory") {
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& e : tree.entries) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", e.mode);
        nlohmann::json item = {{"path", e.path}, {"type", e.is_dir ? "dir" : "file"}, {"mode", mode}};
        if (!e.is_dir) item["digest"] = "sha256:" + e.digest, item["size"] = e.size;
        entries.push_back(item);
      }
      body["tree"] = entries;
    }
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
