// Model references as users type them: NAME, NAME:VERSION, NAME@ALIAS, sha256:HEX.
#pragma once

#include <cstdint>
#include <string>

namespace mlops::store {

struct ModelRef {
  enum class Kind { name, version, alias, digest };
  Kind kind = Kind::name;
  std::string name;
  int64_t version = 0;
  std::string alias;
  std::string digest;  // hex, for Kind::digest
  std::string text;    // as typed, for messages
};

// Throws a usage error naming what is wrong with `text`.
ModelRef parse_model_ref(const std::string& text);

// Model names: 1-128 of [A-Za-z0-9._-], starting with a letter or digit.
void validate_model_name(const std::string& name);
// Aliases: 1-64 of [a-z0-9_-], starting with a letter (so they never look like versions).
void validate_alias(const std::string& alias);
// For what needs a model's name (aliases, deletion): a usage error "cannot <what> digest ..." for a digest.
void require_named(const ModelRef& ref, const std::string& what);

}  // namespace mlops::store
