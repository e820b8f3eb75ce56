// What 'model approve' and 'model reject' share: the same options, one decision each.
#pragma once

#include "cli/command.hpp"

namespace mlops::cli {

Action setup_decision(Args& args, bool approve);

}  // namespace mlops::cli
