// mlops pipeline show REF
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/pipeline_common.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct ShowOptions {
  std::string ref;
};

int run(const ShowOptions& o, Env& env) {
  auto v = env.client().show_pipeline(o.ref);
  if (structured_output(env)) {
    print_document(env, document("PipelineVersion", pipeline_json(v)));
    return 0;
  }
  if (env.global.output == "name") {
    env.out << "pipeline/" << pipeline_id(v) << "\n";
    return 0;
  }
  const auto& s = v.summary;
  std::string model = s.value("consumes", false) ? (s.value("produces", false) ? "consumes and produces" : "consumes")
                                                 : (s.value("produces", false) ? "produces" : "none");
  print_fields(env, {{"Name", v.name},
                     {"Version", std::to_string(v.version)},
                     {"Digest", "sha256:" + v.digest},
                     {"Engine", v.engine},
                     {"Model", model},
                     {"Description", s.value("description", "").empty() ? "-" : s.value("description", "")},
                     {"Files", std::to_string(v.files) + " (" + util::human_bytes(v.size) + ")"},
                     {"Created", util::format_rfc3339(v.created_ms) + " by " + v.created_by}});
  env.out << "Args:\n";
  if (s["args"].empty()) env.out << "  -\n";
  for (const auto& a : s["args"]) {
    env.out << "  " << a["name"].get<std::string>() << " (" << a["type"].get<std::string>() << ")";
    if (a.contains("default"))
      env.out << " = " << a["default"].get<std::string>() << "\n";
    else
      env.out << " required\n";
  }
  env.out << "Steps:\n";
  for (const auto& st : s["steps"]) {
    std::string what;
    if (st.contains("spark")) {
      what = "spark " + st["spark"].get<std::string>();
    } else {
      for (const auto& w : st["run"]) {
        if (!what.empty()) what += ' ';
        what += w.get<std::string>();
      }
    }
    std::string after;
    for (const auto& a : st["after"]) {
      if (!after.empty()) after += ", ";
      after += a.get<std::string>();
    }
    env.out << "  " << st["name"].get<std::string>() << ": " << what << (after.empty() ? "" : "  (after " + after + ")") << "\n";
  }
  return 0;
}

}  // namespace

Action setup_pipeline_show(Args& args) {
  auto o = std::make_shared<ShowOptions>();
  args.positional("ref", o->ref, "REF", "NAME, NAME:VERSION or sha256:HEX");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
