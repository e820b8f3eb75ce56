// A remote agent: the runtime's agent on a replica store, and beside it a link loop that keeps the
// replica in step with the server and empties the spool into it. The link loop never holds up the
// runs: with the server away, it backs off (doubling, with jitter, up to maxBackoff) and the runs
// go on, their output waiting in the spool.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "agent/config.hpp"
#include "util/time.hpp"

namespace mlops::agent {

class RemoteAgent {
 public:
  // cancel_on_stop: a stop cancels running batch runs (else they may finish; see runtime::Agent).
  RemoteAgent(AgentConfig config, const util::Clock& clock, std::function<void(const std::string&)> say,
              bool cancel_on_stop = true);
  ~RemoteAgent();

  // Runs until stop(); the first stop lets the link loop send what the spool holds, briefly.
  void run();
  void stop();  // from any thread; a second call also cancels running runs

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlops::agent
