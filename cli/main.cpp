// Build the command tree from the registry, parse, dispatch, and turn every error into a message on
// stderr and an exit code. This is the only place that catches exceptions.
#include <unistd.h>

#include <iostream>

#include "cli/registry.hpp"
#include "util/error.hpp"

using namespace mlops;

static int fail(cli::Env& env, int code, const std::string& message, const std::string& hint,
                const std::string& detail = {}) {
  std::string prefix = env.color_err() ? "\033[31mmlops: error:\033[0m " : "mlops: error: ";
  env.err << prefix << message << (hint.empty() ? "" : " [" + hint + "]") << "\n" << detail;
  return code;
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  util::SystemClock clock;
  cli::Env env(std::cin, std::cout, std::cerr, clock, ::isatty(1), ::isatty(2));
  CLI::App app{"mlops: operational machine learning from the terminal", "mlops"};
  auto leaves = cli::build_command_tree(app, env.global);
  try {
    cli::check_command_words(app, std::vector<std::string>(argv + 1, argv + argc));
    app.parse(argc, argv);
    cli::validate_global_options(env.global);
    CLI::App* chosen = cli::selected_command(app);
    for (auto& leaf : leaves) {
      if (leaf.app != chosen) continue;
      env.needs = leaf.spec->needs;
      return leaf.action(env);
    }
    return fail(env, 2, "'" + cli::command_name(chosen) + "' needs a command", "see '" + cli::command_name(chosen) + " --help'");
  } catch (const CLI::Success& e) {
    return app.exit(e, env.out, env.err);
  } catch (const CLI::RequiredError& e) {
    CLI::App* at = cli::selected_command(app);
    if (!at->get_subcommands([](CLI::App*) { return true; }).empty())
      return fail(env, 2, "'" + cli::command_name(at) + "' needs a command", "see '" + cli::command_name(at) + " --help'");
    return fail(env, 2, cli::usage_message(e, *at), "see '" + cli::command_name(at) + " --help'");
  } catch (const CLI::ParseError& e) {
    CLI::App* at = cli::selected_command(app);
    return fail(env, 2, cli::usage_message(e, *at), "see '" + cli::command_name(at) + " --help'");
  } catch (const util::Error& e) {
    int code = e.code() == util::Exit::error ? env.generic_error_exit : static_cast<int>(e.code());
    return fail(env, code, e.what(), e.hint(), e.detail());
  } catch (const std::exception& e) {
    return fail(env, env.generic_error_exit, std::string("internal error: ") + e.what(), "please report this");
  }
}
