// What the token commands share: one token as a document.
#pragma once

#include <nlohmann/json.hpp>

#include "auth/tokens.hpp"

namespace mlops::cli {

nlohmann::json token_json(const auth::Token& t);

}  // namespace mlops::cli
