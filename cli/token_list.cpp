// mlops token list and mlops token revoke NAME: the tokens that exist (never their secrets), and
// ending one at once.
#include <memory>

#include "auth/tokens.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/token_common.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

std::string state(const auth::Token& t, int64_t now) {
  if (t.revoked_ms) return "revoked";
  if (t.expires_ms && now >= t.expires_ms) return "expired";
  return "active";
}

int list(Env& env) {
  int64_t now = env.clock.now_ms();
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"NAME"}, {"ROLE"}, {"STATE"}, {"CREATED"}, {"EXPIRES"}, {"BY"}};
  std::vector<std::string> names;
  for (const auto& t : auth::list_tokens(env.store().catalog())) {
    auto j = token_json(t);
    j["state"] = state(t, now);
    items.push_back(j);
    table.rows.push_back({t.name, auth::role_name(t.role), state(t, now), util::format_age(now, t.created_ms) + " ago",
                          t.expires_ms ? util::format_rfc3339(t.expires_ms).substr(0, 10) : "never", t.created_by});
    names.push_back("token/" + t.name);
  }
  print_list(env, "Token", items, table, names);
  return 0;
}

struct RevokeOptions {
  std::string name;
};

int revoke(const RevokeOptions& o, Env& env) {
  auto t = auth::revoke_token(env.store().catalog(), o.name, env.clock.now_ms());
  auto j = token_json(t);
  j["state"] = "revoked";
  print_result(env, document("Token", j), {"token/" + t.name}, {"token/" + t.name + " revoked"});
  return 0;
}

}  // namespace

Action setup_token_list(Args&) {
  return [](Env& env) { return list(env); };
}

Action setup_token_revoke(Args& args) {
  auto o = std::make_shared<RevokeOptions>();
  args.positional("name", o->name, "NAME", "the token's name (see 'mlops token list')");
  return [o](Env& env) { return revoke(*o, env); };
}

}  // namespace mlops::cli
