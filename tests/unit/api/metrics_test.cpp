#include "api/metrics.hpp"

#include <doctest/doctest.h>

using namespace mlops::api;

TEST_CASE("routes keep resources and sub-resources, collapse names and ids, and lump the unknown") {
  CHECK(route_of("/api/v1/models/churn:3") == "/api/v1/models/{}");
  CHECK(route_of("/api/v1/agents/edge-1/assignment?x=1") == "/api/v1/agents/{}/assignment");
  CHECK(route_of("/api/v1/alerts/17/ack") == "/api/v1/alerts/{}/ack");
  CHECK(route_of("/api/v1/stats/buckets") == "/api/v1/stats/buckets");
  CHECK(route_of("/api/v1/x1y2z3") == "other");
  CHECK(route_of("/wp-login.php") == "other");
  CHECK(route_of("/metrics") == "/metrics");
}

TEST_CASE("the exposition escapes label values and writes histograms with +Inf") {
  Exposition out;
  out.family("m_total", "counter", "help text");
  out.sample("m_total", {{"a", "x\"y\\z\nw"}}, 2);
  LatencyHistogram h;
  h.observe("GET", "/r", 200, 0.003);
  h.observe("GET", "/r", 0, 7);
  h.write(out, "d_seconds", "durations");
  const std::string& t = out.text();
  CHECK(t.find("m_total{a=\"x\\\"y\\\\z\\nw\"} 2\n") != std::string::npos);
  CHECK(t.find("d_seconds_bucket{code=\"2xx\",le=\"0.0025\",method=\"GET\",route=\"/r\"} 0\n") != std::string::npos);
  CHECK(t.find("d_seconds_bucket{code=\"2xx\",le=\"0.005\",method=\"GET\",route=\"/r\"} 1\n") != std::string::npos);
  CHECK(t.find("d_seconds_bucket{code=\"error\",le=\"+Inf\",method=\"GET\",route=\"/r\"} 1\n") != std::string::npos);
  CHECK(t.find("d_seconds_count{code=\"error\",method=\"GET\",route=\"/r\"} 1\n") != std::string::npos);
}
