// Bearer tokens for people and CI, each with one role. A token is shown once, when it is made
// ("mlops_<id>_<secret>"); the catalog keeps its id, name, role and the SHA-256 of the secret, so a
// copy of the store gives nobody a working token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/catalog.hpp"

namespace mlops::auth {

// Each role can do what the ones before it can: viewer reads; operator applies, uploads, runs and
// cancels; approver approves and rejects models; admin manages tokens, certificates and agents.
enum class Role { viewer, operator_, approver, admin };

std::string role_name(Role r);
Role parse_role(const std::string& name);  // usage error naming the roles for anything else
bool allows(Role have, Role need);

struct Token {
  std::string id, name;
  Role role = Role::viewer;
  std::string created_by;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never
  int64_t revoked_ms = 0;  // 0: not revoked
};

struct Issued {
  Token token;
  std::string secret;  // the whole bearer string, for the person who asked, once
};

// `name` must be new (an existing name is a usage error, even revoked: names stay in the audit trail).
Issued create_token(store::Catalog& catalog, const std::string& name, Role role, int64_t expires_ms,
                    const std::string& actor, int64_t now_ms);
std::vector<Token> list_tokens(store::Catalog& catalog);
Token revoke_token(store::Catalog& catalog, const std::string& name, int64_t now_ms);

// The token a bearer string stands for, if it is well formed, known, unrevoked and unexpired;
// the secret is compared in constant time.
std::optional<Token> authenticate(store::Catalog& catalog, const std::string& bearer, int64_t now_ms);

}  // namespace mlops::auth
