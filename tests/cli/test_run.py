"""ion run: pipeline nodes run for real, with their environment contract, logs and produced models."""
import json
import os

import harness

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")

ENV_PIPELINE = """apiVersion: mlops/v1
kind: Pipeline
metadata: {name: envdump}
spec:
  engine: process
  produces: true
  args:
    - {name: learning-rate, type: float, default: 0.1}
    - {name: k, type: int}
  steps:
    - name: first
      run: [sh, -c, "env | grep ^MLOPS_ | sort > env.txt; echo from-first > shared.txt"]
    - name: second
      run: [sh, -c, "cat shared.txt; echo to-stderr >&2; mkdir -p $MLOPS_MODEL_OUT; cp env.txt $MLOPS_MODEL_OUT/"]
      after: [first]
"""

ION = """apiVersion: mlops/v1
kind: ION
metadata: {name: demo}
spec:
  nodes:
    - {name: dump, pipeline: envdump, args: {k: 5}}
    - {name: boom, pipeline: fails}
    - {name: lazy, pipeline: nomodel}
"""


def simple(name, script, produces="false"):
    return (f"apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {{name: {name}}}\n"
            f"spec: {{engine: process, produces: {produces}, steps: [{{name: s, run: [sh, -c, '{script}']}}]}}\n")


class Runs(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.write("p/envdump/pipeline.yaml", ENV_PIPELINE)
        self.write("p/fails/pipeline.yaml", simple("fails", "echo about to fail; exit 3"))
        self.write("p/nomodel/pipeline.yaml", simple("nomodel", "true", produces="true"))
        self.write("p/ion.yaml", ION)
        self.ok("ion", "apply", "-f", self.path("p"), "-q")

    def test_environment_contract_workspace_and_model(self):
        out = self.ok("ion", "run", "demo", "--node", "dump", "-o", "json")
        run = json.loads(out)["items"][0]
        self.assertEqual((run["status"], run["outcome"], run["model"]), ("succeeded", "exit 0", "demo.dump:1"))
        self.ok("model", "pull", "demo.dump:1", "-d", self.path("m"))
        env = dict(line.split("=", 1) for line in open(self.path("m", "model", "env.txt")).read().splitlines())
        rundir = os.path.join(self.store, "runs", run["id"])
        self.assertEqual(env, {
            "MLOPS_ARG_K": "5", "MLOPS_ARG_LEARNING_RATE": "0.1", "MLOPS_ION": "demo", "MLOPS_NODE": "dump", "MLOPS_NODE_MODE": "batch",
            "MLOPS_MODEL_OUT": f"{rundir}/model-out/model", "MLOPS_PIPELINE": "envdump:1", "MLOPS_RUN_ID": run["id"],
            "MLOPS_STATS": f"{rundir}/stats.jsonl", "MLOPS_TENSORBOARD_DIR": f"{rundir}/tensorboard",
            "MLOPS_WORKSPACE": f"{rundir}/workspace"})
        self.assertEqual(self.ok("run", "logs", run["id"]), "from-first\nto-stderr\n")
        shown = json.loads(self.ok("model", "show", "demo.dump", "-o", "json"))
        self.assertEqual(shown["labels"], {"agent": "local", "ion": "demo", "node": "dump", "pipeline": "envdump:1",
                                           "run": run["id"]})
        self.assertEqual(shown["params"]["arg.k"], "5")
        self.assertRegex(shown["params"]["pipelineDigest"], r"^sha256:[0-9a-f]{64}$")

    def test_failures_are_recorded_and_exit_non_zero(self):
        r = self.run_mlops("ion", "run", "demo", "--node", "boom")
        self.assertEqual(r.code, 1)
        run_id = r.out.split()[0].removeprefix("run/")
        self.assertEqual(r.out, f"run/{run_id} failed (demo/boom: step 's': exit 3)\n")
        self.assertEqual(r.err, f"mlops: error: run '{run_id}' failed [see 'mlops run logs {run_id}']\n")
        self.assertEqual(self.ok("run", "logs", run_id), "about to fail\n")
        r = self.run_mlops("ion", "run", "demo", "--node", "lazy")
        self.assertIn("failed (demo/lazy: wrote no model (expected one at $MLOPS_MODEL_OUT))", r.out)
        runs = json.loads(self.ok("run", "list", "--ion", "demo", "-o", "json"))["items"]
        self.assertEqual([(x["node"], x["status"]) for x in runs], [("boom", "failed"), ("lazy", "failed")])
        self.assertEqual(self.ok("model", "list", "-o", "name"), "")

    def test_without_node_every_source_runs(self):
        r = self.run_mlops("ion", "run", "demo")
        self.assertEqual(r.code, 1)
        self.assertEqual([line.split()[2] for line in r.out.splitlines()],
                         ["(demo/dump:", "(demo/boom:", "(demo/lazy:"])

    def test_quickstart_trains_for_real(self):
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        out = self.ok("ion", "run", "quickstart", "--node", "train")
        self.assertRegex(out.splitlines()[0], r"^run/\S+ succeeded \(quickstart/train: exit 0\) -> model/quickstart.train:1$")
        self.ok("model", "pull", "quickstart.train", "-d", self.path("q"))
        model = json.load(open(self.path("q", "model")))
        self.assertEqual((model["kind"], model["k"], len(model["centres"])), ("kmeans", 3, 3))
        metrics = json.loads(self.ok("model", "show", "quickstart.train", "-o", "json"))["metrics"]
        self.assertEqual(sorted(metrics), ["inertia", "radius"], "reported through the SDK")
        self.assertAlmostEqual(metrics["inertia"], model["inertia"])

    def test_a_consumer_without_a_model_fails_clearly(self):
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        r = self.run_mlops("ion", "run", "quickstart", "--node", "detect")
        self.assertIn("no model has reached node 'detect' yet (pipeline 'kmeans-infer' consumes one)", r.out)

    def test_the_quickstart_loop_train_gate_deliver_infer(self):
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        lines = self.ok("ion", "run", "quickstart", "--once").splitlines()
        self.assertEqual(len(lines), 4, lines)
        self.assertRegex(lines[0], r"^run/\S+ succeeded \(quickstart/train: exit 0\) -> model/quickstart.train:1$")
        self.assertRegex(lines[1], r"^policy quickstart/quality passed model/quickstart.train:1 \(metric inertia [0-9.]+ < 2000\)$")
        self.assertEqual(lines[2], "model/quickstart.train:1 delivered to quickstart/detect")
        self.assertRegex(lines[3], r"^run/\S+ succeeded \(quickstart/detect: exit 0\)$")
        detect = json.loads(self.ok("run", "list", "--node", "detect", "-o", "json"))["items"][-1]
        self.assertEqual(detect["modelIn"], "quickstart.train:1")
        self.assertRegex(self.ok("run", "logs", detect["id"]), r"^scored 200 points: \d+ anomalies")

    def test_a_failing_gate_stops_the_model(self):
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        strict = open(os.path.join(EXAMPLES, "ions", "quickstart.yaml")).read().replace("value: 2000", "value: 1")
        self.ok("ion", "apply", "-f", self.write("strict.yaml", strict), "-q")
        lines = self.ok("ion", "run", "quickstart", "--once").splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[1], r"^policy quickstart/quality failed model/quickstart.train:1 \(not metric inertia [0-9.]+ < 1\)$")

    def test_an_approval_holds_the_model(self):
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        lines = self.ok("ion", "run", "edge-cloud", "--once").splitlines()
        self.assertEqual(lines[1], "policy edge-cloud/approve pending model/edge-cloud.retrain:1 (waiting for approval)")
        self.assertEqual(len(lines), 2)

    def test_malformed_stats_lines_are_counted_not_fatal(self):
        self.write("s/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: stats}\n"
                                      "spec: {engine: python, produces: true, steps: [{name: s, run: [python3, emit.py]}]}\n")
        self.write("s/emit.py", "import os, mlops_sdk\n"
                                "with open(os.environ['MLOPS_STATS'], 'a') as f:\n"
                                "    f.write('not json\\n')\n"
                                "    f.write('{\"type\": \"metric\"}\\n')\n"
                                "mlops_sdk.metric('auc', 0.5)\n"
                                "open(mlops_sdk.model_output_path(), 'w').write('weights')\n")
        self.ok("pipeline", "upload", self.path("s"), "-q")
        self.write("s.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: st}\nspec: {nodes: [{name: n, pipeline: stats}]}\n")
        self.ok("ion", "apply", "-f", self.path("s.yaml"), "-q")
        out = self.ok("ion", "run", "st")
        self.assertIn("succeeded (st/n: exit 0 (2 malformed stats lines ignored)) -> model/st.n:1", out)
        self.assertEqual(json.loads(self.ok("model", "show", "st.n", "-o", "json"))["metrics"], {"auc": 0.5})

    def test_bad_requests(self):
        self.assertEqual(self.fails(3, "ion", "run", "demo", "--node", "dmp"),
                         "mlops: error: ION 'demo' has no node 'dmp' [did you mean 'dump'?]\n")
        self.assertEqual(self.fails(3, "ion", "run", "dmeo"), "mlops: error: no ION named 'dmeo' [did you mean 'demo'?]\n")
        self.assertEqual(self.fails(3, "run", "show", "r-nope"), "mlops: error: no run with id 'r-nope' [see 'mlops run list']\n")
        self.assertEqual(self.run_mlops("run", "list").err, "no runs found\n")


if __name__ == "__main__":
    harness.main()
