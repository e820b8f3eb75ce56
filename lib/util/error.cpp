#include "util/error.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>

namespace mlops::util {

Exit exit_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Exit::not_found;
    case EACCES:
    case EPERM:
    case EROFS:
      return Exit::permission;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return Exit::no_space;
    default:
      return Exit::error;
  }
}

std::string errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && std::isupper(static_cast<unsigned char>(text[0])) &&
      !(text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1]))))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

void throw_errno(const std::string& action, const std::string& path, int err) {
  throw Error(exit_for_errno(err), "cannot " + action + " '" + path + "': " + errno_text(err));
}

}  // namespace mlops::util
