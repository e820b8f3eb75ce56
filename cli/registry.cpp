#include "cli/registry.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "cli/commands.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

const std::vector<GroupSpec>& command_groups() {
  static const std::vector<GroupSpec> groups = {
      {"model", "push, pull, list and promote model versions"},
      {"model alias", "move named pointers such as prod and candidate"},
      {"ion", "declare what runs where: apply, diff, history and draw ION manifests"},
      {"pipeline", "upload, list and download versioned pipeline bundles"},
      {"agent", "run pipeline nodes on their schedules and triggers"},
      {"run", "list runs of pipeline nodes and read their logs"},
      {"stats", "what runs report: follow, query, export and summarise their time series"},
      {"health", "ML health: how far the data models see has drifted from what they were trained on"},
      {"alerts", "what wants attention: drifted features, failed runs, expired approvals; acknowledge them"},
      {"store", "check and maintain the local store"},
      {"certs", "the certificates of a deployment: its CA, the server's and the admin's"},
      {"token", "bearer tokens, each with a role, for people and CI"},
      {"context", "named servers to talk to, and the one in use"},
      {"server", "the control plane: the store behind an HTTPS API for agents, people and CI"},
  };
  return groups;
}

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"init", "create a store (safe to repeat)", Needs::nothing, setup_init},
      {"events", "what happened: models produced, runs failed, policy decisions, deliveries", Needs::store,
       setup_events},
      {"model push", "store a model file or directory as a new version", Needs::store_create, setup_model_push},
      {"model list", "list model versions", Needs::store, setup_model_list},
      {"model show", "show one model version", Needs::store, setup_model_show},
      {"model pull", "write a model version to a directory, verified", Needs::store, setup_model_pull},
      {"model delete", "delete a model version, or a whole model", Needs::store, setup_model_delete},
      {"model history", "show a model's pushes, alias moves and deletions", Needs::store, setup_model_history},
      {"model pending", "list models waiting for people at approval policies", Needs::store, setup_model_pending},
      {"model approve", "approve a held model; at quorum it moves on", Needs::store, setup_model_approve},
      {"model reject", "reject a held model; it goes no further", Needs::store, setup_model_reject},
      {"model rollback", "deploy an earlier model to a pipeline node of an ION", Needs::store, setup_model_rollback},
      {"model alias set", "point an alias at a version", Needs::store, setup_model_alias_set},
      {"ion apply", "create or update IONs from a file, a directory or stdin", Needs::store_create, setup_ion_apply},
      {"ion validate", "check ION manifests without applying them", Needs::store, setup_ion_validate},
      {"ion diff", "show what apply would change (exit 1 when it would)", Needs::store, setup_ion_diff},
      {"ion get", "list IONs, or print one as applied", Needs::store, setup_ion_get},
      {"ion describe", "show an ION's nodes, policies, schedules and edges", Needs::store, setup_ion_describe},
      {"ion history", "list every applied revision of an ION", Needs::store, setup_ion_history},
      {"ion rollback", "re-apply an earlier revision", Needs::store, setup_ion_rollback},
      {"ion delete", "delete an ION and its history", Needs::store, setup_ion_delete},
      {"ion graph", "draw an ION as text, Graphviz dot or Mermaid", Needs::store, setup_ion_graph},
      {"ion run", "run pipeline nodes now and wait for them (through a server: on their agents)", Needs::store, setup_ion_run},
      {"agent run", "run the nodes placed on this agent on their schedules, until stopped", Needs::store,
       setup_agent_run},
      {"agent join", "make this machine an agent of a server: a key kept here, a certificate from the server's CA",
       Needs::nothing, setup_agent_join},
      {"agent list", "list the agents that joined a server, and when each was last seen", Needs::store, setup_agent_list},
      {"agent revoke", "refuse an agent's certificate from its next request on", Needs::store, setup_agent_revoke},
      {"run list", "list runs, newest last", Needs::store, setup_run_list},
      {"stats tail", "print the latest stat points (-f: then each new one, as it is recorded)", Needs::store, setup_stats_tail},
      {"stats list", "list stats with their count, last value and a sparkline of recent values", Needs::store, setup_stats_list},
      {"stats query", "one stat over a time range, raw or bucketed (--every 1m --agg p95)", Needs::store, setup_stats_query},
      {"stats export", "write stat points as CSV or JSON lines", Needs::store, setup_stats_export},
      {"stats plot", "draw stats as lines on an SVG chart (axes, units, legend)", Needs::store, setup_stats_plot},
      {"stats prune", "remove stat points older than a time (a server prunes by --stats-retention)", Needs::store,
       setup_stats_prune},
      {"health show", "features of a node sorted by drift, with scores, thresholds, verdict and trend", Needs::store,
       setup_health_show},
      {"alerts list", "list alerts nobody has acknowledged yet (--all: every one)", Needs::store, setup_alerts_list},
      {"alerts ack", "acknowledge an alert: someone is on it", Needs::store, setup_alerts_ack},
      {"run show", "show one run: status, outcome, arguments, model", Needs::store, setup_run_show},
      {"run logs", "print a run's stdout and stderr (-f: follow until it ends)", Needs::store, setup_run_logs},
      {"run cancel", "stop a running run and every process it started", Needs::store, setup_run_cancel},
      {"pipeline upload", "validate and store a pipeline directory as a new version", Needs::store_create,
       setup_pipeline_upload},
      {"pipeline list", "list pipeline versions", Needs::store, setup_pipeline_list},
      {"pipeline show", "show one pipeline version: engine, args and steps", Needs::store, setup_pipeline_show},
      {"pipeline download", "unpack a pipeline version into a new directory", Needs::store, setup_pipeline_download},
      {"pipeline delete", "delete a pipeline version, or a whole pipeline", Needs::store, setup_pipeline_delete},
      {"wait", "block until a model is approved, rejected, delivered or deployed in an ION (exit 6 on timeout)", Needs::store,
       setup_wait},
      {"store fsck", "re-hash every blob and check every version", Needs::store, setup_store_fsck},
      {"store gc", "remove blobs no version uses", Needs::store, setup_store_gc},
      {"store du", "show disk usage by model", Needs::store, setup_store_du},
      {"certs init", "create a CA and the server and admin certificates, once", Needs::nothing, setup_certs_init},
      {"token create", "make a token with a role; it is printed once", Needs::store_create, setup_token_create},
      {"token list", "list tokens (never their secrets)", Needs::store, setup_token_list},
      {"token revoke", "end a token now", Needs::store, setup_token_revoke},
      {"context add", "name a server and the credentials for it, checked with the server", Needs::nothing,
       setup_context_add},
      {"context use", "use a context from now on", Needs::nothing, setup_context_use},
      {"context list", "list contexts; * marks the one in use", Needs::nothing, setup_context_list},
      {"context delete", "forget a context", Needs::nothing, setup_context_delete},
      {"server run", "serve the store's API over HTTPS, until stopped", Needs::store_create, setup_server_run},
  };
  return table;
}

Args& Args::positional(const char* name, std::string& into, const char* type, const char* help, bool required) {
  auto* opt = app_.add_option(name, into, help)->type_name(type);
  if (required) opt->required();
  return *this;
}

Args& Args::positionals(const char* name, std::vector<std::string>& into, const char* type, const char* help) {
  app_.add_option(name, into, help)->type_name(type)->required();
  return *this;
}

Args& Args::option(const char* names, std::string& into, const char* type, const char* help, bool required) {
  auto* opt = app_.add_option(names, into, help)->type_name(type);
  if (required) opt->required();
  return *this;
}

Args& Args::option(const char* names, std::vector<std::string>& into, const char* type, const char* help) {
  app_.add_option(names, into, help)->type_name(type);
  return *this;
}

Args& Args::flag(const char* names, bool& into, const char* help) {
  app_.add_flag(names, into, help);
  return *this;
}

static CLI::App* child(CLI::App& parent, const std::string& name, const std::string& summary) {
  for (auto* sub : parent.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return parent.add_subcommand(name, summary);
}

std::vector<Leaf> build_command_tree(CLI::App& root, GlobalOptions& global) {
  root.fallthrough();  // global options are accepted after the command words too
  root.require_subcommand(1);
  root.set_help_flag("-h,--help", "show help");
  root.set_version_flag("--version", std::string("mlops ") + MLOPS_VERSION, "print the version");
  root.add_option("--store", global.store, "store directory (default: $XDG_DATA_HOME/mlops)")
      ->envname("MLOPS_STORE")
      ->type_name("DIR");
  root.add_option("--context", global.context, "the server context to use (default: the current one; local: the store)")
      ->envname("MLOPS_CONTEXT")
      ->type_name("NAME");
  root.add_option("-o,--output", global.output, "output format: table, wide, json, yaml or name")
      ->type_name("FORMAT");
  root.add_flag("--no-headers", global.no_headers, "omit table headers");
  root.add_flag("-q,--quiet", global.quiet, "print nothing on success");
  root.add_flag("-v,--verbose", global.verbose, "explain what is happening on stderr");
  root.add_flag("--no-color", global.no_color, "never colour output (also NO_COLOR)");
  root.footer(
      "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 integrity failure, 5 'ion diff' failed,\n"
      "6 timed out, 7 permission denied, 8 no space left, 9 store written by a newer mlops. See mlops(1).");

  std::map<std::string, std::string> group_summary;
  for (const auto& g : command_groups()) group_summary[g.path] = g.summary;
  std::vector<Leaf> leaves;
  for (const auto& spec : command_table()) {
    CLI::App* node = &root;
    auto words = util::split(spec.path, ' ');
    std::string path;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      path += (path.empty() ? "" : " ") + words[i];
      node = child(*node, words[i], group_summary[path]);
      node->require_subcommand(1);
    }
    CLI::App* app = node->add_subcommand(words.back(), spec.summary);
    app->footer("Global options (--store, --context, -o, --no-headers, -q, -v, --no-color): see 'mlops --help'.");
    Args args(*app);
    leaves.push_back({&spec, app, spec.setup(args)});
  }
  return leaves;
}

static bool takes_value(CLI::App& app, const std::string& flag) {
  const CLI::Option* opt = nullptr;
  for (CLI::App* a = &app; a && !opt; a = a->get_parent()) opt = a->get_option_no_throw(flag);
  return opt && opt->get_items_expected_min() > 0;
}

std::string command_name(const CLI::App* app) {
  std::string name;
  for (; app; app = app->get_parent()) name = app->get_name() + (name.empty() ? "" : " " + name);
  return name;
}

void check_command_words(CLI::App& root, const std::vector<std::string>& args) {
  CLI::App* node = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return;
    if (a.size() > 1 && a[0] == '-') {
      bool inline_value = a.find('=') != std::string::npos || (a[1] != '-' && a.size() > 2);
      if (!inline_value && takes_value(*node, a)) ++i;
      continue;
    }
    auto subs = node->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return;  // reached a command: the rest are its arguments
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (auto* s : subs) {
      names.push_back(s->get_name());
      if (s->get_name() == a) next = s;
    }
    if (!next) {
      std::string guess = util::did_you_mean(a, names);
      throw util::Error(util::Exit::usage, "'" + a + "' is not a '" + command_name(node) + "' command",
                        guess.empty() ? "see '" + command_name(node) + " --help'" : "did you mean '" + guess + "'?");
    }
    node = next;
  }
}

void validate_global_options(const GlobalOptions& global) {
  static const std::vector<std::string> formats = {"table", "wide", "json", "yaml", "name"};
  if (std::find(formats.begin(), formats.end(), global.output) == formats.end()) {
    std::string guess = util::did_you_mean(global.output, formats);
    throw util::Error(util::Exit::usage, "invalid --output '" + global.output + "': use table, wide, json, yaml or name",
                      guess.empty() ? "" : "did you mean '" + guess + "'?");
  }
}

std::string usage_message(const CLI::ParseError& error, CLI::App& at) {
  std::string text = error.what();
  for (const char* prefix : {"The following argument was not expected: ", "The following arguments were not expected: "}) {
    if (text.rfind(prefix, 0) != 0) continue;
    auto words = util::split(text.substr(std::string(prefix).size()), ' ');
    auto flag = std::find_if(words.begin(), words.end(), [](auto& w) { return w.size() > 1 && w[0] == '-'; });
    if (flag == words.end()) return "unexpected argument '" + words.front() + "'";
    std::string word = *flag;
    std::vector<std::string> flags;
    for (CLI::App* a = &at; a; a = a->get_parent())
      for (const CLI::Option* opt : a->get_options()) {
        for (const auto& l : opt->get_lnames()) flags.push_back("--" + l);
      }
    std::string guess = util::did_you_mean(word.substr(0, word.find('=')), flags);
    return "unknown option '" + word + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)");
  }
  if (size_t colon = text.find(": "); colon != std::string::npos && text.find(" required ") != std::string::npos &&
                                      text.size() > 8 && text.compare(text.size() - 8, 8, " missing") == 0)
    return "option '" + text.substr(0, colon) + "' needs a value";
  // CLI11 words its errors in sentences; ours are lower case without a final period.
  if (!text.empty() && std::isupper(static_cast<unsigned char>(text[0])) &&
      !(text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1]))))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  while (!text.empty() && (text.back() == '.' || text.back() == '\n')) text.pop_back();
  return text;
}

CLI::App* selected_command(CLI::App& root) {
  CLI::App* node = &root;
  for (;;) {
    auto chosen = node->get_subcommands();
    if (chosen.empty()) return node;
    node = chosen.front();
  }
}

}  // namespace mlops::cli
