// Errors that reach the user. Every failure the CLI reports is a util::Error carrying the exit code
// scripts rely on; the wording follows git: lower case, what failed first, names in quotes, no period.
#pragma once

#include <stdexcept>
#include <string>

namespace mlops::util {

// Exit codes are a contract documented in man/mlops.1: never renumber.
enum class Exit : int {
  ok = 0,
  error = 1,         // anything without a more specific code
  usage = 2,         // bad flags, arguments or references
  not_found = 3,     // a named model, version, alias, digest, file or store does not exist
  integrity = 4,     // stored bytes do not match their digest, or fsck found problems
  diff_failed = 5,   // an error in a diff command, which exits 1 for "differences found"
  timed_out = 6,     // a wait ran out of time
  permission = 7,    // the operating system or a role refused access
  no_space = 8,      // the disk or a quota is full
  incompatible = 9,  // the store was written by a newer mlops
};

class Error : public std::runtime_error {
 public:
  Error(Exit code, const std::string& message, std::string hint = {}, std::string detail = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)), detail_(std::move(detail)) {}
  Exit code() const { return code_; }
  // Shown after the message in brackets, e.g. "did you mean 'churn'?".
  const std::string& hint() const { return hint_; }
  // Lines shown under the message, e.g. the offending manifest line and a caret.
  const std::string& detail() const { return detail_; }

 private:
  Exit code_;
  std::string hint_;
  std::string detail_;
};

// "cannot <action> '<path>': <strerror>", with the exit code chosen from errno.
[[noreturn]] void throw_errno(const std::string& action, const std::string& path, int err);

Exit exit_for_errno(int err);

// strerror(err) in lower case ("no such file or directory").
std::string errno_text(int err);

}  // namespace mlops::util
