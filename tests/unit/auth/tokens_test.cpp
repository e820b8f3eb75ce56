#include "auth/tokens.hpp"

#include <doctest/doctest.h>

#include "../temp_dir.hpp"
#include "util/error.hpp"

using namespace mlops;
using namespace mlops::auth;

TEST_CASE("a token works until it expires or is revoked, and only with its own secret") {
  testing::TempDir dir;
  store::Catalog c(dir / "catalog.db", true);
  auto ci = create_token(c, "ci", Role::operator_, 10'000, "ann", 1'000);
  CHECK(ci.secret.rfind("mlops_" + ci.token.id + "_", 0) == 0);
  CHECK(ci.secret.size() == 6 + 12 + 1 + 48);
  auto who = authenticate(c, ci.secret, 2'000);
  REQUIRE(who);
  CHECK(who->name == "ci");
  CHECK(who->role == Role::operator_);
  CHECK_FALSE(authenticate(c, ci.secret, 10'000));  // expired
  std::string forged = ci.secret;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK_FALSE(authenticate(c, forged, 2'000));
  CHECK_FALSE(authenticate(c, "", 2'000));
  CHECK_FALSE(authenticate(c, "mlops_nope", 2'000));
  CHECK_FALSE(authenticate(c, ci.secret + "x", 2'000));

  auto forever = create_token(c, "alice", Role::approver, 0, "ann", 1'500);
  CHECK(authenticate(c, forever.secret, 1LL << 50));
  CHECK(revoke_token(c, "alice", 3'000).revoked_ms == 3'000);
  CHECK_FALSE(authenticate(c, forever.secret, 3'001));
  CHECK(revoke_token(c, "alice", 4'000).revoked_ms == 3'000);  // revoking twice changes nothing
  CHECK_THROWS_AS(revoke_token(c, "bob", 3'000), util::Error);
  CHECK_THROWS_AS(create_token(c, "alice", Role::viewer, 0, "ann", 5'000), util::Error);  // names are never reused
  CHECK_THROWS_AS(create_token(c, "a b", Role::viewer, 0, "ann", 5'000), util::Error);

  auto all = list_tokens(c);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "ci");
  CHECK(all[1].name == "alice");
}

TEST_CASE("roles are ordered: each can do what the ones before it can") {
  CHECK(allows(Role::admin, Role::approver));
  CHECK(allows(Role::approver, Role::operator_));
  CHECK(allows(Role::operator_, Role::viewer));
  CHECK_FALSE(allows(Role::viewer, Role::operator_));
  CHECK_FALSE(allows(Role::operator_, Role::approver));
  CHECK(parse_role("operator") == Role::operator_);
  CHECK(role_name(Role::operator_) == "operator");
  CHECK_THROWS_AS(parse_role("root"), util::Error);
}
