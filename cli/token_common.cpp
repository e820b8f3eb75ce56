#include "cli/token_common.hpp"

#include "util/time.hpp"

namespace mlops::cli {

nlohmann::json token_json(const auth::Token& t) {
  auto when = [](int64_t ms) { return ms ? nlohmann::json(util::format_rfc3339(ms)) : nlohmann::json(); };
  return {{"id", t.id},
          {"name", t.name},
          {"role", auth::role_name(t.role)},
          {"createdBy", t.created_by},
          {"createdAt", util::format_rfc3339(t.created_ms)},
          {"expiresAt", when(t.expires_ms)},
          {"revokedAt", when(t.revoked_ms)}};
}

}  // namespace mlops::cli
