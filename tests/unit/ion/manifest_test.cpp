#include "ion/manifest.hpp"

#include <doctest/doctest.h>

#include "util/error.hpp"

using namespace mlops::ion;

namespace {

IonManifest parse(const std::string& spec) {
  std::string text = "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: t}\nspec:\n" + spec;
  return parse_ion(mlops::manifest::parse_documents({"ion.yaml", text})[0]);
}

std::string error(const std::string& spec) {
  try {
    parse(spec);
  } catch (const mlops::util::Error& e) {
    return std::string(e.what()) + (e.hint().empty() ? "" : " [" + e.hint() + "]");
  }
  return "no error";
}

}  // namespace

TEST_CASE("an ION with pipelines, policies, schedules and edges") {
  auto ion = parse(R"(  nodes:
    - name: train
      pipeline: kmeans-train:2
      placement: {agent: spark-gw-2}
      schedule: {cron: "0 10 * * TUE", timezone: Europe/Berlin}
      args: {k: 5}
    - name: approve
      policy: {type: approval, approvers: [alice, bob], quorum: 2, expires: 72h}
    - name: infer
      pipeline: kmeans-infer
      placement: {selector: {tier: edge}}
      schedule: {every: 5m}
      mode: service
  edges:
    - {from: train, to: approve}
    - {from: approve, to: infer}
)");
  REQUIRE(ion.nodes.size() == 3);
  CHECK(describe(ion.nodes[0].schedule) == "cron 0 10 * * TUE (Europe/Berlin)");
  CHECK(describe(ion.nodes[0].placement) == "agent spark-gw-2");
  CHECK(describe(*ion.nodes[1].policy) == "approval by alice, bob (quorum 2), expires 72h");
  CHECK(describe(ion.nodes[2].placement) == "tier=edge");
  CHECK(ion.nodes[2].schedule.every_seconds == 300);
  CHECK(to_json(ion)["spec"]["edges"].size() == 2);
}

TEST_CASE("cycles must wait somewhere") {
  std::string nodes = R"(  nodes:
    - {name: a, pipeline: p, schedule: {on: model}}
    - {name: gate, policy: {type: gate, conditions: [{metric: auc, op: ">=", value: 0.8}]}}
    - {name: b, pipeline: q, schedule: {on: model}}
)";
  CHECK(error(nodes + "  edges:\n    - {from: a, to: gate}\n    - {from: gate, to: b}\n    - {from: b, to: a}\n") ==
        "ion.yaml:12:7: cycle a -> gate -> b -> a would fire itself instantly "
        "[give a node on it a cron or every schedule, or route it through an approval policy]");
  std::string waiting = R"(  nodes:
    - {name: a, pipeline: p, schedule: {every: 1h}}
    - {name: b, pipeline: q, schedule: {on: model}}
  edges:
    - {from: a, to: b}
    - {from: b, to: a}
)";
  CHECK(parse(waiting).edges.size() == 2);
}

TEST_CASE("edges, schedules and policies are checked") {
  CHECK(error("  nodes:\n    - {name: a, pipeline: p}\n  edges:\n    - {from: a, to: b}\n") ==
        "ion.yaml:8:21: edge to unknown node 'b'");
  CHECK(error("  nodes:\n    - {name: a, pipeline: p, schedule: {on: model}}\n") ==
        "ion.yaml:6:40: node 'a' runs on: model, but no edge brings it one");
  CHECK(error("  nodes:\n    - {name: a, pipeline: p, schedule: {cron: '0 10 * *'}}\n") ==
        "ion.yaml:6:47: invalid cron '0 10 * *': expected 5 fields (minute hour day-of-month month day-of-week), found 4");
  CHECK(error("  nodes:\n    - {name: a, pipeline: p, schedule: {cron: '* * * * *', timezone: Europe/Berln}}\n") ==
        "ion.yaml:6:70: unknown time zone 'Europe/Berln' [did you mean 'Europe/Berlin'?]");
  CHECK(error("  nodes:\n    - {name: a, policy: {type: approval, approvers: []}}\n") ==
        "ion.yaml:6:53: an approval policy needs at least one approver");
}

TEST_CASE("a Spark node says when its driver's REST API is first asked") {
  auto node = [](const std::string& conf) {
    return parse("  nodes:\n    - {name: n, pipeline: p, spark: {conf: {" + conf + "}}}\n").nodes[0].spark;
  };
  CHECK(node("spark.executor.memory: 2g").rest_after_ms == 20000);
  CHECK(node("spark.mlops.rest.after: 0s").rest_after_ms == 0);
  CHECK(node("spark.mlops.rest.after: 1m").rest_after_ms == 60000);
  CHECK(node("spark.mlops.rest.after: 1m").conf.at("spark.mlops.rest.after") == "1m");
  std::string bad = error("  nodes:\n    - {name: n, pipeline: p, spark: {conf: {spark.mlops.rest.after: soon}}}\n");
  CHECK(bad.find("ion.yaml:") != std::string::npos);
  CHECK(bad.find("soon") != std::string::npos);
}

TEST_CASE("an edge on: alert starts a node from another's alerts, and carries no model") {
  auto ion = parse(R"(  nodes:
    - {name: train, pipeline: p, schedule: {every: 1h}}
    - {name: detect, pipeline: q, schedule: {on: model}}
  edges:
    - {from: train, to: detect}
    - {from: detect, to: train, on: alert, alert: drift}
)");
  REQUIRE(ion.edges.size() == 2);
  CHECK(ion.edges[1].on == "alert");
  CHECK(ion.edges[1].alert == "drift");
  CHECK(describe(ion.edges[1]) == "on alert drift");
  CHECK(to_json(ion)["spec"]["edges"][1] == nlohmann::json{{"from", "detect"}, {"to", "train"}, {"on", "alert"}, {"alert", "drift"}});
  CHECK(to_json(ion)["spec"]["edges"][0] == nlohmann::json{{"from", "train"}, {"to", "detect"}});
  // Only model edges feed 'on: model'; an alert edge into a policy or out of one makes no sense.
  CHECK(error("  nodes:\n    - {name: a, pipeline: p}\n    - {name: b, pipeline: q, schedule: {on: model}}\n"
              "  edges:\n    - {from: a, to: b, on: alert}\n") ==
        "ion.yaml:7:40: node 'b' runs on: model, but no edge brings it one");
  CHECK(error("  nodes:\n    - {name: a, pipeline: p}\n    - {name: b, pipeline: q}\n"
              "  edges:\n    - {from: a, to: b, alert: drift}\n") ==
        "ion.yaml:9:31: 'alert' goes with 'on: alert'");
  CHECK(error("  nodes:\n    - {name: a, pipeline: p}\n    - {name: g, policy: {type: auto}}\n"
              "  edges:\n    - {from: g, to: a, on: alert}\n") ==
        "ion.yaml:9:7: node 'g' is a policy; alerts come from pipeline nodes");
}

TEST_CASE("health thresholds: for every feature, per feature, and psi 0.2 when none is given") {
  auto node = parse(R"(  nodes:
    - name: detect
      pipeline: q
      health:
        js: 0.3
        overlap: 0.7
        alert: shifted
        features:
          amount: {js: 0.1}
)").nodes[0];
  CHECK(node.health.alert == "shifted");
  auto amount = node.health.for_feature("amount");
  CHECK(*amount.js == doctest::Approx(0.1));
  CHECK(*amount.overlap == doctest::Approx(0.7));
  CHECK_FALSE(amount.psi);
  CHECK(*node.health.for_feature("other").js == doctest::Approx(0.3));
  auto plain = parse("  nodes:\n    - {name: d, pipeline: q}\n").nodes[0];
  CHECK(*plain.health.for_feature("x").psi == doctest::Approx(0.2));
  CHECK_FALSE(to_json(parse("  nodes:\n    - {name: d, pipeline: q}\n"))["spec"]["nodes"][0].contains("health"));
  CHECK(error("  nodes:\n    - {name: d, pipeline: q, health: {ks: 2}}\n") ==
        "ion.yaml:6:43: ks threshold must be between 0 and 1");
  CHECK(error("  nodes:\n    - {name: d, pipeline: q, health: {psl: 2}}\n").find("unknown field 'psl'") != std::string::npos);
}
