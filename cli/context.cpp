// mlops context add|use|list|delete: named servers to talk to, kept in config.yaml (cli/config.hpp).
// 'add' asks the server who it takes the credentials for before it keeps them, so a typo in a URL,
// a wrong CA or a dead token is found now, not in the middle of a CI job.
#include <filesystem>
#include <memory>

#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "cli/config.hpp"
#include "cli/output.hpp"
#include "net/http.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace mlops::cli {

namespace {

struct AddOptions {
  Context context;
};

std::string absolute(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string();
}

// The server's answer to /api/v1/whoami with these credentials.
nlohmann::json whoami(const Context& c) {
  auto r = server_request(c, "/api/v1/whoami");
  r.timeout_ms = 10000;
  auto answer = net::http_request(r);
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (answer.status != 200)
    throw util::Error(answer.status == 401 || answer.status == 403 ? util::Exit::permission : util::Exit::error,
                      "the server at " + c.server + " refused these credentials: " +
                          (body.is_object() ? body.value("message", "HTTP " + std::to_string(answer.status))
                                            : "HTTP " + std::to_string(answer.status)));
  if (!body.is_object() || body.value("kind", "") != "Identity")
    throw util::Error(util::Exit::error, c.server + " does not answer like an mlops server");
  return body;
}

int add(const AddOptions& o, Env& env) {
  Context c = o.context;
  if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0)
    throw util::Error(util::Exit::usage, "invalid --server '" + c.server + "'", "a URL, e.g. https://mlops.example:8443");
  if (c.cert.empty() != c.key.empty())
    throw util::Error(util::Exit::usage, "--cert and --key go together");
  c.ca = absolute(c.ca);
  c.cert = absolute(c.cert);
  c.key = absolute(c.key);
  auto config = load_config(config_path());
  auto who = whoami(c);
  bool existed = config.find(c.name) != nullptr;
  if (existed) *config.find(c.name) = c;
  else config.contexts.push_back(c);
  if (config.current.empty()) config.current = c.name;
  save_config(config);
  std::string line = "context/" + c.name + (existed ? " updated" : " added") + " (" + who.value("via", "") + " '" +
                     who.value("name", "") + "', role " + who.value("role", "") + ", at " + c.server + ")" +
                     (config.current == c.name ? ", in use" : "");
  print_result(env, document("Context", {{"name", c.name}, {"server", c.server}, {"current", config.current == c.name},
                                          {"identity", who.value("name", "")}, {"role", who.value("role", "")}}),
               {"context/" + c.name}, {line});
  return 0;
}

Context& existing(Config& config, const std::string& name) {
  if (Context* c = config.find(name)) return *c;
  std::vector<std::string> names;
  for (const auto& c : config.contexts) names.push_back(c.name);
  std::string guess = util::did_you_mean(name, names);
  throw util::Error(util::Exit::not_found, "no context named '" + name + "'",
                    guess.empty() ? "see 'mlops context list'" : "did you mean '" + guess + "'?");
}

struct NameOptions {
  std::string name;
};

int use(const NameOptions& o, Env& env) {
  auto config = load_config(config_path());
  if (o.name != "local") existing(config, o.name);  // "local": the local store
  config.current = o.name;
  save_config(config);
  print_mutation(env, "context/" + o.name + " in use");
  return 0;
}

int remove(const NameOptions& o, Env& env) {
  auto config = load_config(config_path());
  existing(config, o.name);
  std::erase_if(config.contexts, [&](const Context& c) { return c.name == o.name; });
  if (config.current == o.name) config.current.clear();
  save_config(config);
  print_mutation(env, "context/" + o.name + " deleted");
  return 0;
}

int list(Env& env) {
  auto config = load_config(config_path());
  nlohmann::json items = nlohmann::json::array();
  Table table;
  table.columns = {{"CURRENT"}, {"NAME"}, {"SERVER"}, {"CREDENTIALS"}};
  std::vector<std::string> names;
  for (const auto& c : config.contexts) {
    std::string credentials = c.token.empty() ? (c.cert.empty() ? "none" : "certificate " + c.cert) : "token";
    items.push_back({{"name", c.name}, {"server", c.server}, {"current", c.name == config.current},
                     {"ca", c.ca}, {"credentials", c.token.empty() ? (c.cert.empty() ? "none" : "certificate") : "token"}});
    table.rows.push_back({c.name == config.current ? "*" : "", c.name, c.server, credentials});
    names.push_back("context/" + c.name);
  }
  print_list(env, "Context", items, table, names);
  return 0;
}

}  // namespace

Action setup_context_add(Args& args) {
  auto o = std::make_shared<AddOptions>();
  args.positional("name", o->context.name, "NAME", "what to call the context");
  args.option("--server", o->context.server, "URL", "the server, e.g. https://mlops.example:8443", true);
  args.option("--ca", o->context.ca, "FILE", "the server's CA certificate (default: the system's CAs)");
  args.option("--token", o->context.token, "TOKEN", "a bearer token (see 'mlops token create')");
  args.option("--cert", o->context.cert, "FILE", "a client certificate, instead of a token");
  args.option("--key", o->context.key, "FILE", "its key");
  return [o](Env& env) { return add(*o, env); };
}

Action setup_context_use(Args& args) {
  auto o = std::make_shared<NameOptions>();
  args.positional("name", o->name, "NAME", "the context to use from now on ('local': the local store)");
  return [o](Env& env) { return use(*o, env); };
}

Action setup_context_delete(Args& args) {
  auto o = std::make_shared<NameOptions>();
  args.positional("name", o->name, "NAME", "the context to forget");
  return [o](Env& env) { return remove(*o, env); };
}

Action setup_context_list(Args&) {
  return [](Env& env) { return list(env); };
}

}  // namespace mlops::cli
