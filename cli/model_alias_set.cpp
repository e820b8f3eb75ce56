// mlops model alias set REF ALIAS: moves ALIAS to the version REF names, in one transaction.
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_common.hpp"
#include "cli/output.hpp"

namespace mlops::cli {

namespace {

struct AliasSetOptions {
  std::string ref;
  std::string alias;
};

int run(const AliasSetOptions& o, Env& env) {
  auto ref = store::parse_model_ref(o.ref);
  store::validate_alias(o.alias);
  auto move = env.client().set_alias(o.ref, o.alias);
  std::string name = "model/" + ref.name + "@" + o.alias;
  if (structured_output(env)) {
    nlohmann::json body = {{"name", ref.name}, {"alias", o.alias}, {"version", move.to_version}};
    body["previousVersion"] = move.from_version ? nlohmann::json(*move.from_version) : nlohmann::json();
    print_document(env, document("ModelAlias", body));
  } else if (env.global.output == "name") {
    env.out << name << "\n";
  } else if (move.from_version == move.to_version) {
    print_mutation(env, name + " unchanged (version " + std::to_string(move.to_version) + ")");
  } else if (move.from_version) {
    print_mutation(env, name + " moved from version " + std::to_string(*move.from_version) + " to " +
                            std::to_string(move.to_version));
  } else {
    print_mutation(env, name + " set to version " + std::to_string(move.to_version));
  }
  return 0;
}

}  // namespace

Action setup_model_alias_set(Args& args) {
  auto o = std::make_shared<AliasSetOptions>();
  args.positional("ref", o->ref, "REF", "NAME (latest), NAME:VERSION or NAME@ALIAS");
  args.positional("alias", o->alias, "ALIAS", "alias to move, e.g. prod");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
