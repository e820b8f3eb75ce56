// Everything a command may touch, injected: output streams, global options, the clock and the
// store. Commands never use std::cout or open the store themselves, so tests can capture them.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "store/store.hpp"
#include "util/time.hpp"

namespace mlops::cli {

struct GlobalOptions {
  std::string store;  // --store / MLOPS_STORE; empty: the default location
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
  store::Store& store();
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
};

}  // namespace mlops::cli
