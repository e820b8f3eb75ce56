"""The local agent for real: schedules with short real intervals, on: model and on: alert triggers,
concurrency policies, placement, missed slots, clean stops, and a service hot-swapping models."""
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import unittest

import harness


def pipeline(name, script, produces=False, consumes=False, engine="process"):
    return (f"apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {{name: {name}}}\n"
            f"spec: {{engine: {engine}, produces: {str(produces).lower()}, consumes: {str(consumes).lower()}, "
            f"steps: [{{name: s, run: [sh, -c, '{script}']}}]}}\n")


class Agent:
    """A running 'mlops agent run --local', its output lines collected as they come."""

    def __init__(self, test, *args):
        self.lines = []
        self.proc = subprocess.Popen([harness.BIN, "--store", test.store, "agent", "run", "--local", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=test.env,
                                     cwd=test.tmp)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_for("agent/")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text, count=1, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(text in l for l in self.lines) >= count:
                return [l for l in self.lines if text in l]
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {count} lines with {text!r} in {self.lines}")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        err = self.proc.stderr.read()
        self.proc.stderr.close()
        for marker in harness.SANITIZER_MARKERS:
            assert marker not in err, err
        return self.proc.returncode


class LocalAgent(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.agents = []

    def tearDown(self):
        for a in self.agents:
            if a.proc.poll() is None:
                a.proc.kill()
                a.proc.wait()
            for f in (a.proc.stdout, a.proc.stderr):
                if not f.closed:
                    f.close()
        super().tearDown()

    def agent(self, *args):
        a = Agent(self, *args)
        self.agents.append(a)
        return a

    def apply(self, pipelines, ion):
        for name, text in pipelines.items():
            self.write(f"p/{name}/pipeline.yaml", text)
        self.write("p/ion.yaml", ion)
        self.ok("ion", "apply", "-f", self.path("p"), "-q")

    def runs(self, node=""):
        return json.loads(self.ok("run", "list", *(["--node", node] if node else []), "-o", "json"))["items"]

    def test_every_and_on_model_run_until_stopped(self):
        self.apply({"make": pipeline("make", "date +%s%N > $MLOPS_MODEL_OUT", produces=True),
                    "use": pipeline("use", "cat $MLOPS_MODEL_IN", consumes=True),
                    "boom": pipeline("boom", "echo broken; exit 7")},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: loop}\nspec:\n  nodes:\n"
                   "    - {name: make, pipeline: make, schedule: {every: 1s}}\n"
                   "    - {name: boom, pipeline: boom, schedule: {every: 1s}}\n"
                   "    - {name: use, pipeline: use, schedule: {on: model}}\n"
                   "  edges: [{from: make, to: use}]\n")
        a = self.agent()
        a.wait_for("succeeded (loop/use", count=2)
        a.wait_for("failed (loop/boom: step 's': exit 7)", count=2)  # a failing node stops nothing else
        self.assertEqual(a.stop(), 0)
        # A run still going when the agent stops is cancelled, and says so before "stopped".
        tail = a.lines[a.lines.index("agent/local stopping") + 1:]
        self.assertEqual(tail[-1], "agent/local stopped")
        for line in tail[:-1]:
            self.assertRegex(line, r"^run/\S+ cancelled \(loop/\w+: cancelled by agent local \(stopping\)\)$")
        stopped = {l.split()[0].removeprefix("run/") for l in tail[:-1]}
        makes = [r for r in self.runs("make") if r["id"] not in stopped]
        uses = [r for r in self.runs("use") if r["id"] not in stopped]
        self.assertGreaterEqual(len(makes), 2)
        self.assertTrue(all(r["status"] == "succeeded" for r in makes + uses), makes + uses)
        # Each model made reached the consumer, which read exactly that one.
        self.assertEqual([u["modelIn"] for u in uses], [m["model"] for m in makes][:len(uses)])
        starts = [l for l in a.lines if l.startswith("loop/make: started")]
        self.assertEqual(starts[0], "loop/make: started (every 1s)")

    def test_on_alert_starts_retraining(self):
        self.apply({"watch": pipeline("watch", "python3 -c \"import mlops_sdk; mlops_sdk.alert(\\\"drift\\\", \\\"psi 0.4\\\")\""),
                    "retrain": pipeline("retrain", "echo retraining")},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: al}\nspec:\n  nodes:\n"
                   "    - {name: watch, pipeline: watch}\n"
                   "    - {name: retrain, pipeline: retrain, schedule: {on: alert, alert: drift}}\n"
                   "    - {name: other, pipeline: retrain, schedule: {on: alert, alert: latency}}\n")
        a = self.agent()
        self.ok("ion", "run", "al", "--node", "watch")
        a.wait_for("succeeded (al/retrain")
        self.assertIn("al/retrain: started (alert drift)", a.lines)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(self.runs("other"), [])
        events = json.loads(self.ok("events", "--ion", "al", "-o", "json"))["items"]
        alert = [e for e in events if e["event"] == "alert"]
        self.assertEqual(len(alert), 1)
        self.assertRegex(alert[0]["detail"], r"^warning drift: psi 0.4 \(run r\S+\)$")

    def test_concurrency_forbid_allow_replace(self):
        slow = pipeline("slow", "sleep 2.5")
        ion = ("apiVersion: mlops/v1\nkind: ION\nmetadata: {name: cc}\nspec:\n  nodes:\n"
               "    - {name: f, pipeline: slow, schedule: {every: 1s}}\n"
               "    - {name: a, pipeline: slow, schedule: {every: 1s}, concurrency: allow}\n"
               "    - {name: r, pipeline: slow, schedule: {every: 1s}, concurrency: replace}\n")
        self.apply({"slow": slow}, ion)
        a = self.agent()
        a.wait_for("cc/f: every 1s skipped, a run is still going (concurrency: forbid)")
        a.wait_for("cancelled (cc/r: cancelled by agent local (concurrency: replace))")
        a.wait_for("cc/a: started", count=3)
        self.assertEqual(a.stop(), 0)
        allowed = self.runs("a")
        overlapping = any(x["startedAt"] < y["finishedAt"] and y["startedAt"] < x["finishedAt"]
                          for i, x in enumerate(allowed) for y in allowed[i + 1:])
        self.assertTrue(overlapping, "allow runs a trigger while the last run still goes")
        forbidden = self.runs("f")
        for i, x in enumerate(forbidden):
            for y in forbidden[i + 1:]:
                self.assertLessEqual(x["finishedAt"], y["startedAt"], "forbid never overlaps")

    def test_a_model_arriving_while_forbid_holds_waits_for_the_run(self):
        self.apply({"make": pipeline("make", "date +%s%N > $MLOPS_MODEL_OUT", produces=True),
                    "slow": pipeline("slow", "sleep 2.5; cat $MLOPS_MODEL_IN", consumes=True)},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: q}\nspec:\n  nodes:\n"
                   "    - {name: make, pipeline: make, schedule: {every: 1s}}\n"
                   "    - {name: use, pipeline: slow, schedule: {on: model}}\n"
                   "  edges: [{from: make, to: use}]\n")
        a = self.agent()
        a.wait_for("queued until the running one ends (concurrency: forbid)")
        a.wait_for("succeeded (q/use", count=2)
        a.stop()
        uses = self.runs("use")
        self.assertGreaterEqual(len(uses), 2)
        for x, y in zip(uses, uses[1:]):
            self.assertLessEqual(x["finishedAt"], y["startedAt"], "forbid never overlaps")
        # The second run took the newest model there was when the first ended, not a stale one.
        self.assertNotEqual(uses[0]["modelIn"], uses[1]["modelIn"])

    def test_stop_cancels_or_finishes_runs(self):
        self.apply({"long": pipeline("long", "sleep 1.5; echo done")},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: st}\nspec:\n  nodes:\n"
                   "    - {name: n, pipeline: long, schedule: {every: 1s}}\n")
        a = self.agent()
        a.wait_for("st/n: started")
        self.assertEqual(a.stop(signal.SIGINT), 0)
        self.assertEqual(self.runs("n")[-1]["outcome"], "cancelled by agent local (stopping)")
        b = self.agent("--on-stop", "finish")
        b.wait_for("st/n: started")
        self.assertEqual(b.stop(), 0)
        last = self.runs("n")[-1]
        self.assertEqual((last["status"], last["outcome"]), ("succeeded", "exit 0"))

    def test_placement_and_labels(self):
        self.apply({"hi": pipeline("hi", "echo hi")},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: pl}\nspec:\n  nodes:\n"
                   "    - {name: here, pipeline: hi, schedule: {every: 1s}}\n"
                   "    - {name: edge, pipeline: hi, schedule: {every: 1s}, placement: {selector: {tier: edge}}}\n"
                   "    - {name: far, pipeline: hi, schedule: {every: 1s}, placement: {agent: spark-2}}\n")
        a = self.agent("--label", "tier=edge")
        a.wait_for("succeeded (pl/edge")
        a.wait_for("succeeded (pl/here")
        a.stop()
        self.assertEqual(self.runs("far"), [])
        b = self.agent("--name", "spark-2", "--ion", "pl")
        b.wait_for("succeeded (pl/far")
        b.stop()
        self.assertEqual(self.fails(3, "agent", "run", "--local", "--ion", "p1"),
                         "mlops: error: no ION named 'p1' [did you mean 'pl'?]\n")
        self.assertEqual(self.fails(2, "agent", "run"),
                         "mlops: error: 'agent run' needs one of --local and --config FILE [--config runs an agent of "
                         "a server (see 'mlops agent join'), --local one of this machine's store]\n")

    def test_missed_slots_skip_or_run_one_after_a_restart(self):
        self.apply({"hi": pipeline("hi", "echo hi")},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: ms}\nspec:\n  nodes:\n"
                   "    - {name: skip, pipeline: hi, schedule: {every: 1h}}\n"
                   "    - {name: one, pipeline: hi, schedule: {every: 1h, missed: run-one}}\n")
        a = self.agent()
        time.sleep(0.5)  # the agent notes where each timetable stands
        a.stop()
        now = time.time()
        if now % 3600 < 10 or now % 3600 > 3590:
            self.skipTest("too close to the top of the hour for 'every: 1h' to be unambiguous")
        # As if the agent had been down for a day: rewind where the timetables stand (fake time).
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        with db:
            db.execute("UPDATE schedule_state SET last_slot_ms = last_slot_ms - 86400000")
        db.close()
        b = self.agent()
        b.wait_for("ms/skip: ")
        b.wait_for("succeeded (ms/one")
        b.stop()
        skip = [l for l in b.lines if l.startswith("ms/skip: ")]
        one = [l for l in b.lines if l.startswith("ms/one: ")][0]
        self.assertEqual(skip, ["ms/skip: 24 missed slots skipped (missed: skip)"])
        self.assertEqual(one, "ms/one: started (every 1h, once for 24 missed slots)")
        self.assertEqual(self.runs("skip"), [])

    def test_a_service_is_hot_swapped_and_rolled_back_while_it_serves(self):
        serve = ("import os, sys, time, mlops_sdk\n"
                 "seen = []\n"
                 "mlops_sdk.on_model_change(lambda p: print('swap', flush=True))\n"
                 "for batch in range(100000):\n"
                 "    path = mlops_sdk.current_model()\n"
                 "    first = open(path).read()\n"
                 "    time.sleep(0.05)\n"
                 "    last = open(path).read()\n"
                 "    print('batch', batch, 'pid', os.getpid(), 'model', first, 'mixed' if first != last else 'whole', flush=True)\n")
        self.write("p/serve/serve.py", serve)
        self.apply({"make": "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: make}\nspec: {engine: process, "
                            "produces: true, args: [{name: tag, type: string}], "
                            "steps: [{name: s, run: [sh, -c, 'printf %s $MLOPS_ARG_TAG > $MLOPS_MODEL_OUT']}]}\n",
                    "serve": "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: serve}\nspec: {engine: python, "
                             "consumes: true, steps: [{name: s, run: [python3, serve.py]}]}\n"},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: sv}\nspec:\n  nodes:\n"
                   "    - {name: v1, pipeline: make, args: {tag: one}}\n"
                   "    - {name: v2, pipeline: make, args: {tag: two}}\n"
                   "    - {name: api, pipeline: serve, mode: service}\n"
                   "  edges: [{from: v1, to: api}, {from: v2, to: api}]\n")
        self.ok("ion", "run", "sv", "--node", "v1")
        a = self.agent()
        a.wait_for("sv/api: started (service)")
        service = self.wait_run_log("api", "model one")
        self.ok("ion", "run", "sv", "--node", "v2")
        self.wait_run_log("api", "model two", run_id=service)
        self.ok("model", "rollback", "--ion", "sv", "--node", "api")
        log = self.wait_run_log("api", "model one", run_id=service, after="model two")
        a.stop()
        batches = [l.split() for l in log.splitlines() if l.startswith("batch")]
        self.assertEqual(len({b[3] for b in batches}), 1, "one process served every model")
        self.assertNotIn("mixed", log)
        models = [b[5] for b in batches]
        changes = [m for i, m in enumerate(models) if i == 0 or models[i - 1] != m]
        self.assertEqual(changes, ["one", "two", "one"])
        self.assertEqual(log.count("swap"), 2)
        deployed = [e for e in json.loads(self.ok("events", "--ion", "sv", "-o", "json"))["items"] if e["event"] == "deployed"]
        self.assertEqual([(e["model"], e["detail"].split(" (")[0].rsplit(" ", 1)[0]) for e in deployed],
                         [("sv.v1:1", "serving in run"), ("sv.v2:1", "hot-swapped into run"), ("sv.v1:1", "hot-swapped into run")])
        self.assertEqual(self.runs("api")[0]["modelIn"], "sv.v1:1")
        self.assertEqual(self.fails(1, "model", "rollback", "--ion", "sv", "--node", "api", "--to", "sv.v1:1"),
                         "mlops: error: model 'sv.v1:1' is already deployed to 'sv/api'\n")
        self.assertEqual(self.fails(1, "model", "rollback", "--ion", "sv", "--node", "v1"),
                         "mlops: error: node 'sv/v1' has no earlier model to roll back to [name one with --to REF]\n")
        self.assertEqual(self.fails(3, "model", "rollback", "--ion", "sv", "--node", "apj"),
                         "mlops: error: ION 'sv' has no node 'apj' [did you mean 'api'?]\n")

    def wait_run_log(self, node, text, run_id=None, after=None, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.runs(node)
            if runs:
                rid = run_id or runs[-1]["id"]
                log = self.ok("run", "logs", rid)
                tail = log.split(after, 1)[1] if after and after in log else ("" if after else log)
                if text in tail:
                    return rid if run_id is None else log
            time.sleep(0.1)
        self.fail(f"{text!r} never appeared in the log of {node}")

    def test_train_approve_deploy_infer(self):
        self.apply({"make": pipeline("make", "echo weights > $MLOPS_MODEL_OUT", produces=True),
                    "use": pipeline("use", "echo scoring with $(cat $MLOPS_MODEL_IN)", consumes=True)},
                   "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: ap}\nspec:\n  nodes:\n"
                   "    - {name: train, pipeline: make}\n"
                   "    - {name: ok, policy: {type: approval, approvers: [alice]}}\n"
                   "    - {name: infer, pipeline: use, schedule: {on: model}}\n"
                   "  edges: [{from: train, to: ok}, {from: ok, to: infer}]\n")
        a = self.agent()
        self.ok("ion", "run", "ap", "--node", "train")
        time.sleep(1)
        self.assertEqual(self.runs("infer"), [], "nothing reaches inference before a person approves")
        self.ok("model", "approve", "ap.train:1", "--ion", "ap", env={"MLOPS_ACTOR": "alice"})
        a.wait_for("succeeded (ap/infer")
        a.stop()
        self.assertEqual(self.ok("run", "logs", self.runs("infer")[0]["id"]), "scoring with weights\n")


if __name__ == "__main__":
    unittest.main()
