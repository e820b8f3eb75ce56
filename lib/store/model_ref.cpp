#include "store/model_ref.hpp"

#include <cctype>

#include "util/error.hpp"
#include "util/sha256.hpp"

namespace mlops::store {

using util::Error;
using util::Exit;

static bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

void validate_model_name(const std::string& name) {
  auto bad = [&](const std::string& why) {
    return Error(Exit::usage, "invalid model name '" + name + "': " + why);
  };
  if (name.empty()) throw bad("it is empty");
  if (name.size() > 128) throw bad("it is longer than 128 characters");
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) throw bad("it must start with a letter or digit");
  for (char c : name)
    if (!name_char(c)) throw bad("only letters, digits, '.', '_' and '-' are allowed");
}

void require_named(const ModelRef& ref, const std::string& what) {
  if (ref.kind == ModelRef::Kind::digest)
    throw util::Error(util::Exit::usage, "cannot " + what + " digest '" + ref.text + "'", "name a version: NAME:VERSION");
}

void validate_alias(const std::string& alias) {
  auto bad = [&](const std::string& why) { return Error(Exit::usage, "invalid alias '" + alias + "': " + why); };
  if (alias.empty()) throw bad("it is empty");
  if (alias.size() > 64) throw bad("it is longer than 64 characters");
  if (!std::islower(static_cast<unsigned char>(alias[0]))) throw bad("it must start with a lower-case letter");
  for (char c : alias)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_'))
      throw bad("only lower-case letters, digits, '-' and '_' are allowed");
}

ModelRef parse_model_ref(const std::string& text) {
  ModelRef ref;
  ref.text = text;
  auto bad = [&](const std::string& why) {
    return Error(Exit::usage, "invalid model reference '" + text + "': " + why,
                 "use NAME, NAME:VERSION, NAME@ALIAS or sha256:HEX");
  };
  if (text.rfind("sha256:", 0) == 0) {
    ref.kind = ModelRef::Kind::digest;
    ref.digest = text.substr(7);
    if (!util::is_sha256_hex(ref.digest)) throw bad("a digest is 64 lower-case hex characters");
    return ref;
  }
  size_t colon = text.find(':');
  size_t at = text.find('@');
  if (colon != std::string::npos && at != std::string::npos) throw bad("give a version or an alias, not both");
  if (colon != std::string::npos) {
    ref.kind = ModelRef::Kind::version;
    ref.name = text.substr(0, colon);
    std::string v = text.substr(colon + 1);
    bool digits = !v.empty() && v.size() <= 18;
    for (char c : v) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoll(v) == 0) throw bad("version must be a positive integer");
    ref.version = std::stoll(v);
  } else if (at != std::string::npos) {
    ref.kind = ModelRef::Kind::alias;
    ref.name = text.substr(0, at);
    ref.alias = text.substr(at + 1);
    try {
      validate_alias(ref.alias);
    } catch (const Error& e) {
      throw bad(std::string(e.what()).substr(std::string("invalid ").size()));
    }
  } else {
    ref.name = text;
  }
  try {
    validate_model_name(ref.name);
  } catch (const Error& e) {
    throw bad(std::string(e.what()).substr(std::string("invalid ").size()));
  }
  return ref;
}

}  // namespace mlops::store
