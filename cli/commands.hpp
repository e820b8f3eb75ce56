// One setup function per command, each defined in its own file (cli/<noun>_<verb>.cpp).
#pragma once

#include "cli/registry.hpp"

namespace mlops::cli {

Action setup_init(CLI::App& app);
Action setup_model_push(CLI::App& app);
Action setup_model_list(CLI::App& app);
Action setup_model_show(CLI::App& app);
Action setup_model_pull(CLI::App& app);
Action setup_model_delete(CLI::App& app);
Action setup_model_history(CLI::App& app);
Action setup_model_alias_set(CLI::App& app);
Action setup_store_fsck(CLI::App& app);
Action setup_store_gc(CLI::App& app);
Action setup_store_du(CLI::App& app);

}  // namespace mlops::cli
