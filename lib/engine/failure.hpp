// Why a program failed, in one line, from what it wrote to its log: the last Python exception of a
// traceback, a JVM's 'Exception in thread "main"', or spark-submit's own 'Error:'. Empty when the
// log says nothing recognisable; the whole log stays in run.log.
#pragma once

#include <string>
#include <string_view>

namespace mlops::engine {

std::string failure_reason(std::string_view log);

}  // namespace mlops::engine
