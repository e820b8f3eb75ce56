#include "runtime/spark_monitor.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../temp_dir.hpp"

using namespace mlops;

namespace {

// A loopback port that takes connections and never answers: what reaches it shows whether the
// monitor asked.
struct SilentDriver {
  int fd = -1, port = 0;
  SilentDriver() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
  }
  ~SilentDriver() { ::close(fd); }
  int asked() {
    int n = 0;
    for (int c; (c = ::accept(fd, nullptr, nullptr)) >= 0; ++n) ::close(c);
    return n;
  }
};

}  // namespace

TEST_CASE("the REST poller waits before its first question, then asks every 2 s") {
  testing::TempDir dir;
  store::Store store{dir / "store", store::Store::Open::create};
  runtime::Collector collector{{"r1", "ion", "node"}, dir / "stats.jsonl", dir / "tensorboard"};
  {
    SilentDriver driver;
    runtime::SparkMonitor monitor(driver.port, 1000000, 20000);
    monitor.poll(store, collector, 1000000);
    monitor.poll(store, collector, 1019999);
    CHECK(driver.asked() == 0);
    monitor.poll(store, collector, 1020000);
    CHECK(driver.asked() == 1);
    monitor.poll(store, collector, 1021999);
    CHECK(driver.asked() == 0);
    monitor.poll(store, collector, 1022000);
    CHECK(driver.asked() == 1);
    CHECK(monitor.polls_answered() == 0);
    CHECK(monitor.application().empty());
  }
}
