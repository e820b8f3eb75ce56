// Build the command tree from the registry, parse, dispatch, and turn every error into a message on
// stderr and an exit code. This is the only place that catches exceptions.
#include <unistd.h>

#include <cctype>
#include <iostream>

#include "cli/registry.hpp"
#include "util/error.hpp"

using namespace mlops;

static int fail(cli::Env& env, int code, const std::string& message, const std::string& hint) {
  std::string prefix = env.color_err() ? "\033[31mmlops: error:\033[0m " : "mlops: error: ";
  env.err << prefix << message << (hint.empty() ? "" : " [" + hint + "]") << "\n";
  return code;
}

// CLI11 words its errors in sentences; ours are lower case without a final period.
static std::string git_style(std::string text) {
  if (!text.empty() && std::isupper(static_cast<unsigned char>(text[0])) &&
      !(text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1]))))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  while (!text.empty() && (text.back() == '.' || text.back() == '\n')) text.pop_back();
  return text;
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  util::SystemClock clock;
  cli::Env env(std::cout, std::cerr, clock, ::isatty(1), ::isatty(2));
  CLI::App app{"mlops: operational machine learning from the terminal", "mlops"};
  auto leaves = cli::build_command_tree(app, env.global);
  try {
    cli::check_command_words(app, std::vector<std::string>(argv + 1, argv + argc));
    app.parse(argc, argv);
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
    return fail(env, 2, git_style(e.what()), "see '" + cli::command_name(at) + " --help'");
  } catch (const CLI::ParseError& e) {
    return fail(env, 2, git_style(e.what()), "see '" + cli::command_name(cli::selected_command(app)) + " --help'");
  } catch (const util::Error& e) {
    return fail(env, static_cast<int>(e.code()), e.what(), e.hint());
  } catch (const std::exception& e) {
    return fail(env, 1, std::string("internal error: ") + e.what(), "please report this");
  }
}
