// mlops token create --role ROLE [--name NAME] [--expires DURATION]: a bearer token for a person or
// a CI job. The token is printed once, alone on stdout (so TOKEN=$(mlops token create ...) works);
// what was made goes to stderr. The store keeps only its hash.
#include <memory>

#include "auth/tokens.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/token_common.hpp"
#include "schedule/cron.hpp"
#include "util/time.hpp"

namespace mlops::cli {

namespace {

struct CreateOptions {
  std::string role, name, expires;
};

int run(const CreateOptions& o, Env& env) {
  auto role = auth::parse_role(o.role);
  int64_t now = env.clock.now_ms();
  int64_t expires = o.expires.empty() || o.expires == "never" ? 0 : now + schedule::parse_duration(o.expires) * 1000;
  std::string name = o.name.empty() ? env.actor() + "-" + auth::role_name(role) + "-" + std::to_string(now / 1000) : o.name;
  auto issued = auth::create_token(env.store().catalog(), name, role, expires, env.actor(), now);
  if (structured_output(env)) {
    auto j = token_json(issued.token);
    j["token"] = issued.secret;
    print_document(env, document("Token", j));
    return 0;
  }
  env.out << issued.secret << "\n";
  if (!env.global.quiet)
    env.err << "token/" << name << " created (" << auth::role_name(role) << ", "
            << (expires ? "expires " + util::format_rfc3339(expires) : std::string("never expires"))
            << "); it is shown only this once\n";
  return 0;
}

}  // namespace

Action setup_token_create(Args& args) {
  auto o = std::make_shared<CreateOptions>();
  args.option("--role", o->role, "ROLE", "viewer, operator, approver or admin", true);
  args.option("--name", o->name, "NAME", "what to call it (default: you, the role and the time)");
  args.option("--expires", o->expires, "DURATION", "how long it works, e.g. 90d (default: never)");
  return [o](Env& env) { return run(*o, env); };
}

}  // namespace mlops::cli
