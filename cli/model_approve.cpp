// mlops model approve REF --ion NAME [--node N] [--comment TEXT]: one person's yes to a held model.
#include "cli/approval_command.hpp"

namespace mlops::cli {

Action setup_model_approve(Args& args) { return setup_decision(args, true); }

}  // namespace mlops::cli
