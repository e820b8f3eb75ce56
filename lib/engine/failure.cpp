#include "engine/failure.hpp"

#include <cctype>
#include <vector>

namespace mlops::engine {

namespace {

// "ValueError: boom", "pyspark.errors.exceptions.captured.AnalysisException: [X] ...": a dotted
// name ending in Error, Exception or Exit, a colon, a message.
bool python_exception_line(std::string_view line) {
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  return ends("Error") || ends("Exception") || ends("Exit");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string failure_reason(std::string_view log) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < log.size();) {
    size_t nl = log.find('\n', start);
    lines.push_back(trim(log.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start)));
    start = nl == std::string_view::npos ? log.size() : nl + 1;
  }
  std::string_view found;
  bool in_traceback = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.rfind("Traceback (most recent call last):", 0) == 0) in_traceback = true;
    if (in_traceback && python_exception_line(line)) {
      found = line;
      in_traceback = false;
      // PySpark: "py4j.protocol.Py4JJavaError: An error occurred while calling ...", then the JVM's
      // exception on a line of its own starting ": ".
      if (line.find("Py4JJavaError") != std::string_view::npos && i + 1 < lines.size() &&
          lines[i + 1].rfind(": ", 0) == 0)
        found = lines[i + 1].substr(2);
    }
    static constexpr std::string_view kJvm = "Exception in thread \"main\" ";
    if (line.rfind(kJvm, 0) == 0) found = line.substr(kJvm.size());
    if (line.rfind("Error: ", 0) == 0) found = line;
  }
  constexpr size_t kMax = 300;  // a line for a table; the rest is in the log
  std::string out(found.substr(0, kMax));
  if (found.size() > kMax) out += "...";
  return out;
}

}  // namespace mlops::engine
