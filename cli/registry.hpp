// The one explicit table of commands. Each entry names its command path, a summary, what it needs
// set up first, and the function that declares its options and returns its action.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/env.hpp"

namespace mlops::cli {

struct CommandSpec {
  std::string path;  // "model push"
  std::string summary;
  Needs needs;
  Setup setup;
};

struct GroupSpec {
  std::string path;  // "model"
  std::string summary;
};

const std::vector<GroupSpec>& command_groups();
const std::vector<CommandSpec>& command_table();

struct Leaf {
  const CommandSpec* spec = nullptr;
  CLI::App* app = nullptr;
  Action action;
};

// Declares the global options and every command under `root`.
std::vector<Leaf> build_command_tree(CLI::App& root, GlobalOptions& global);

// Before CLI11 parses: an unknown command word becomes a usage error with a "did you mean".
void check_command_words(CLI::App& root, const std::vector<std::string>& args);

// Checks global option values CLI11 cannot (one message style for every usage error).
void validate_global_options(const GlobalOptions& global);

// A CLI11 parse error in our wording: lower case, names in quotes, a "did you mean" for flags.
std::string usage_message(const CLI::ParseError& error, CLI::App& at);

// The deepest command the parse selected (root when none).
CLI::App* selected_command(CLI::App& root);
// "mlops model push"
std::string command_name(const CLI::App* app);

}  // namespace mlops::cli
