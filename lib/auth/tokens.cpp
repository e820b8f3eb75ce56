#include "auth/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "util/error.hpp"
#include "util/sha256.hpp"

namespace mlops::auth {

using store::Stmt;
using util::Error;
using util::Exit;

namespace {

const char* const kRoles[] = {"viewer", "operator", "approver", "admin"};
const std::string kPrefix = "mlops_";

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw Error(Exit::error, "the system's random number generator failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

Token read_row(const Stmt& s) {
  Token t;
  t.id = s.text(0);
  t.name = s.text(1);
  t.role = parse_role(s.text(2));
  t.created_by = s.text(3);
  t.created_ms = s.integer(4);
  t.expires_ms = s.is_null(5) ? 0 : s.integer(5);
  t.revoked_ms = s.is_null(6) ? 0 : s.integer(6);
  return t;
}

const char* const kColumns = "id, name, role, created_by, created_ms, expires_ms, revoked_ms";

}  // namespace

std::string role_name(Role r) { return kRoles[static_cast<int>(r)]; }

Role parse_role(const std::string& name) {
  for (int i = 0; i < 4; ++i)
    if (name == kRoles[i]) return static_cast<Role>(i);
  throw Error(Exit::usage, "unknown role '" + name + "'", "use viewer, operator, approver or admin");
}

bool allows(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

Issued create_token(store::Catalog& catalog, const std::string& name, Role role, int64_t expires_ms,
                    const std::string& actor, int64_t now_ms) {
  if (name.empty() || name.size() > 100 || name.find_first_of(" \t\r\n/") != std::string::npos)
    throw Error(Exit::usage, "invalid token name '" + name + "'", "1 to 100 characters, no spaces or slashes");
  {
    Stmt s(catalog.handle(), "SELECT 1 FROM tokens WHERE name = ?");
    s.bind(1, name);
    if (s.step())
      throw Error(Exit::usage, "a token named '" + name + "' exists", "names are never reused; pick another");
  }
  Issued out;
  out.token = {random_hex(6), name, role, actor, now_ms, expires_ms, 0};
  std::string secret = random_hex(24);
  out.secret = kPrefix + out.token.id + "_" + secret;
  Stmt s(catalog.handle(),
         "INSERT INTO tokens(id, name, role, secret_sha256, created_by, created_ms, expires_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, out.token.id).bind(2, name).bind(3, role_name(role)).bind(4, util::sha256_hex(secret)).bind(5, actor);
  s.bind(6, now_ms);
  expires_ms ? s.bind(7, expires_ms) : s.bind_null(7);
  s.run();
  return out;
}

std::vector<Token> list_tokens(store::Catalog& catalog) {
  std::vector<Token> out;
  Stmt s(catalog.handle(), std::string("SELECT ") + kColumns + " FROM tokens ORDER BY created_ms, name");
  while (s.step()) out.push_back(read_row(s));
  return out;
}

Token revoke_token(store::Catalog& catalog, const std::string& name, int64_t now_ms) {
  Stmt find(catalog.handle(), std::string("SELECT ") + kColumns + " FROM tokens WHERE name = ?");
  find.bind(1, name);
  if (!find.step()) throw Error(Exit::not_found, "no token named '" + name + "'", "see 'mlops token list'");
  Token t = read_row(find);
  if (t.revoked_ms) return t;
  Stmt s(catalog.handle(), "UPDATE tokens SET revoked_ms = ? WHERE name = ?");
  s.bind(1, now_ms).bind(2, name).run();
  t.revoked_ms = now_ms;
  return t;
}

std::optional<Token> authenticate(store::Catalog& catalog, const std::string& bearer, int64_t now_ms) {
  // mlops_<12 hex>_<48 hex>
  if (bearer.size() != kPrefix.size() + 12 + 1 + 48 || bearer.compare(0, kPrefix.size(), kPrefix) != 0 ||
      bearer[kPrefix.size() + 12] != '_')
    return std::nullopt;
  std::string id = bearer.substr(kPrefix.size(), 12), secret = bearer.substr(kPrefix.size() + 13);
  Stmt s(catalog.handle(), std::string("SELECT ") + kColumns + ", secret_sha256 FROM tokens WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  Token t = read_row(s);
  std::string want = s.text(7), got = util::sha256_hex(secret);
  if (want.size() != got.size() || CRYPTO_memcmp(want.data(), got.data(), got.size()) != 0) return std::nullopt;
  if (t.revoked_ms || (t.expires_ms && now_ms >= t.expires_ms)) return std::nullopt;
  return t;
}

}  // namespace mlops::auth
