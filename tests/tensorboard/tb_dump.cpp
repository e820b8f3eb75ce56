// Test tool for tensorboard.live: polls a log directory with TensorBoardWatcher and prints every
// scalar as one JSON line, flushed at once, so a test can write events while this reads them.
//   tb_dump DIR STOP_FILE
// Once STOP_FILE exists it polls one last time (everything written before the stop file is read),
// prints {"corrupt":N,"errors":[...]} and exits 0. It gives up with exit 1 after two minutes.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "stats/tensorboard.hpp"

namespace {

void print(const std::vector<mlops::stats::Scalar>& scalars) {
  for (const auto& s : scalars) {
    nlohmann::json line = {{"tag", s.tag}, {"step", s.step}, {"wall_time", s.wall_time}, {"value", s.value}};
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: tb_dump DIR STOP_FILE\n";
    return 2;
  }
  mlops::stats::TensorBoardWatcher watcher(argv[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < deadline) {
    bool stopping = std::filesystem::exists(argv[2]);
    print(watcher.poll());
    if (stopping) {
      nlohmann::json end = {{"corrupt", watcher.corrupt_records()}, {"errors", watcher.errors()}};
      std::cout << end.dump() << std::endl;
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cerr << "tb_dump: error: no stop file '" << argv[2] << "' after two minutes\n";
  return 1;
}
