// mlops model reject REF --ion NAME [--node N] [--comment TEXT]: one person's no stops a held model.
#include "cli/approval_command.hpp"

namespace mlops::cli {

Action setup_model_reject(Args& args) { return setup_decision(args, false); }

}  // namespace mlops::cli
