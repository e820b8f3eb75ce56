#include "cli/env.hpp"

#include "util/error.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ostream>

namespace mlops::cli {

Env::Env(std::istream& in_stream, std::ostream& out_stream, std::ostream& err_stream, const util::Clock& c,
         bool out_is_tty, bool err_is_tty)
    : in(in_stream),
      out(out_stream), err(err_stream), clock(c), out_is_tty_(out_is_tty), err_is_tty_(err_is_tty) {}

Env::~Env() = default;

std::string Env::store_root() const { return global.store.empty() ? store::Store::default_root() : global.store; }

const Context* Env::server_context() {
  if (!context_resolved_) {
    context_resolved_ = true;
    if (global.store.empty()) {
      auto config = load_config(config_path());
      std::string name = global.context.empty() ? config.current : global.context;
      if (!name.empty() && name != "local") {
        Context* c = config.find(name);
        if (!c)
          throw util::Error(util::Exit::not_found, "no context named '" + name + "'",
                            "see 'mlops context list'; 'local' is the local store");
        context_ = *c;
        debug("using context '" + name + "' (" + c->server + ")");
      }
    }
  }
  return context_ ? &*context_ : nullptr;
}

Client& Env::client() {
  if (!client_) client_ = server_context() ? server_client(*server_context()) : local_client(store(), actor(), clock);
  return *client_;
}

store::Store& Env::store() {
  if (!store_) {
    if (const Context* c = server_context())
      throw util::Error(util::Exit::usage,
                        "this command works on a local store, not through a server (context '" + c->name + "', " + c->server + ")",
                        "name the local store with --store, or switch with 'mlops context use local'");
    std::string root = store_root();
    // The default store is created on first use; a store named explicitly must exist unless the
    // command writes, so a typo in --store does not silently start an empty store.
    bool create = needs == Needs::store_create || (global.store.empty() && !store::Store::exists(root));
    debug("using store '" + root + "'");
    store_ = std::make_unique<store::Store>(root, create ? store::Store::Open::create : store::Store::Open::existing);
  }
  return *store_;
}

std::string Env::actor() const {
  if (const char* a = std::getenv("MLOPS_ACTOR"); a && *a) return a;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "uid:" + std::to_string(::getuid());
}

static bool color_allowed(const GlobalOptions& g) {
  const char* no_color = std::getenv("NO_COLOR");
  return !g.no_color && !(no_color && *no_color);
}

bool Env::color_out() const { return out_is_tty_ && color_allowed(global); }
bool Env::color_err() const { return err_is_tty_ && color_allowed(global); }

void Env::debug(const std::string& message) {
  if (global.verbose) err << "mlops: " << message << "\n";
}

}  // namespace mlops::cli
