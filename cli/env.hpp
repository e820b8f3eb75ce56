// Everything a command may touch, injected: output streams, global options, the clock and the
// store. Commands never use std::cout or open the store themselves, so tests can capture them.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "cli/client.hpp"
#include "cli/config.hpp"
#include "store/store.hpp"
#include "util/time.hpp"

namespace mlops::cli {

struct GlobalOptions {
  std::string store;  // --store / MLOPS_STORE; empty: the default location
  std::string context;  // --context / MLOPS_CONTEXT; empty: the configuration's current one
  std::string output = "table";
  bool no_headers = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
};

// What a command needs set up before it runs (see the registry table).
enum class Needs {
  nothing,
  store,         // an existing store; the default location is created on first use
  store_create,  // a store, created wherever it is missing
};

class Env {
 public:
  Env(std::istream& in, std::ostream& out, std::ostream& err, const util::Clock& clock, bool out_is_tty,
      bool err_is_tty);
  ~Env();

  std::istream& in;  // for '-f -'
  std::ostream& out;
  std::ostream& err;
  const util::Clock& clock;
  GlobalOptions global;
  Needs needs = Needs::nothing;
  // The exit code of an error without a more specific one; diff commands move it off 1, which they
  // use for "differences found".
  int generic_error_exit = 1;

  std::string store_root() const;
  // The local store. While a server context is in use, a usage error: the command works on a store
  // directory beside it, and acting on the local store instead would surprise.
  store::Store& store();
  // The server context in use, if any: --context or MLOPS_CONTEXT, else the configuration's
  // current context; none when --store (or MLOPS_STORE) names a store, or the context is "local".
  const Context* server_context();
  // Wherever the models are: the server context in use, else the local store.
  Client& client();
  // Who is acting: $MLOPS_ACTOR, else the login name.
  std::string actor() const;
  bool out_is_tty() const { return out_is_tty_; }
  // Colour for stdout/stderr: only on a terminal, never with --no-color or NO_COLOR.
  bool color_out() const;
  bool color_err() const;
  // A line on stderr with -v only.
  void debug(const std::string& message);

 private:
  bool out_is_tty_;
  bool err_is_tty_;
  std::unique_ptr<store::Store> store_;
  bool context_resolved_ = false;
  std::optional<Context> context_;
  std::unique_ptr<Client> client_;
};

}  // namespace mlops::cli
