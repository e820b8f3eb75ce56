"""Process control for real: node timeouts and 'run cancel' end whole process trees, retries back off,
'run logs -f' follows a run to its end."""
import json
import os
import signal
import subprocess
import time
import unittest

import harness


def pipeline(name, script, produces="false"):
    return (f"apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {{name: {name}}}\n"
            f"spec: {{engine: process, produces: {produces}, steps: [{{name: s, run: [sh, -c, '{script}']}}]}}\n")


# A step that leaves a grandchild behind and records both pids, then waits.
TREE = "sleep 300 & echo $! > grandchild.pid; echo $$ > leader.pid; echo started; sleep 300"
# Fails until its third attempt (the workspace, and so the counter, is kept between attempts).
FLAKY = "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt $n; [ $n -ge 3 ]"

ION = """apiVersion: mlops/v1
kind: ION
metadata: {name: ctl}
spec:
  nodes:
    - {name: hang, pipeline: tree, timeout: 1s}
    - {name: wait, pipeline: tree}
    - {name: flaky, pipeline: flaky, retry: {limit: 2, backoff: 1s}}
    - {name: stubborn, pipeline: flaky, retry: {limit: 1, backoff: 1s}}
    - {name: chatty, pipeline: chatty}
    - {name: killed, pipeline: killed}
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class Control(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.write("p/tree/pipeline.yaml", pipeline("tree", TREE))
        self.write("p/flaky/pipeline.yaml", pipeline("flaky", FLAKY))
        self.write("p/chatty/pipeline.yaml", pipeline("chatty", "for i in 1 2 3 4 5; do echo line $i; sleep 0.3; done"))
        self.write("p/killed/pipeline.yaml", pipeline("killed", "echo dying; kill -9 $$"))
        self.write("p/ion.yaml", ION)
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        self.background = []

    def tearDown(self):
        for p in self.background:
            if p.poll() is None:
                p.kill()
            p.communicate()
        super().tearDown()

    def start(self, *args):
        p = subprocess.Popen([harness.BIN, "--store", self.store, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=self.env, cwd=self.tmp)
        self.background.append(p)
        return p

    def running_run(self, node):
        """The id and workspace of the node's run, once its step has written its pids."""
        for _ in range(200):
            runs = json.loads(self.ok("run", "list", "--node", node, "-o", "json"))["items"]
            if runs:
                ws = os.path.join(self.store, "runs", runs[-1]["id"], "workspace")
                if os.path.exists(os.path.join(ws, "leader.pid")) and os.path.exists(os.path.join(ws, "grandchild.pid")):
                    return runs[-1]["id"], ws
            time.sleep(0.05)
        self.fail(f"no run of {node} started")

    def pids(self, ws):
        out = []
        for name in ("leader.pid", "grandchild.pid"):
            with open(os.path.join(ws, name)) as f:
                out.append(int(f.read()))
        return out

    def test_a_timeout_kills_the_whole_tree(self):
        start = time.monotonic()
        r = self.run_mlops("ion", "run", "ctl", "--node", "hang")
        self.assertLess(time.monotonic() - start, 30)
        self.assertEqual(r.code, 1)
        self.assertRegex(r.out, r"^run/\S+ failed \(ctl/hang: step 's': killed by SIGTERM \(timed out\)\)\n$")
        run = json.loads(self.ok("run", "list", "--node", "hang", "-o", "json"))["items"][0]
        for pid in self.pids(os.path.join(self.store, "runs", run["id"], "workspace")):
            self.assertFalse(alive(pid), f"process {pid} outlived the timeout")

    def test_cancel_from_another_terminal_stops_the_tree(self):
        runner = self.start("ion", "run", "ctl", "--node", "wait")
        run_id, ws = self.running_run("wait")
        self.assertEqual(self.ok("run", "cancel", run_id), f"run/{run_id} cancelled\n")
        out, err = runner.communicate(timeout=30)
        self.assertEqual(runner.returncode, 1)
        self.assertEqual(out, f"run/{run_id} cancelled (ctl/wait: cancelled by tester)\n")
        for pid in self.pids(ws):
            self.assertFalse(alive(pid), f"process {pid} outlived the cancel")
        shown = json.loads(self.ok("run", "show", run_id, "-o", "json"))
        self.assertEqual((shown["status"], shown["outcome"]), ("cancelled", "cancelled by tester"))
        events = json.loads(self.ok("events", "--ion", "ctl", "-o", "json"))["items"]
        self.assertEqual([e["event"] for e in events], ["run-cancelled"])
        self.assertEqual(self.fails(1, "run", "cancel", run_id),
                         f"mlops: error: run '{run_id}' is not running: it was cancelled\n")

    def test_cancel_when_the_runner_died(self):
        runner = self.start("ion", "run", "ctl", "--node", "wait")
        run_id, ws = self.running_run("wait")
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        self.assertEqual(self.ok("run", "cancel", run_id), f"run/{run_id} cancelled\n")
        shown = json.loads(self.ok("run", "show", run_id, "-o", "json"))
        self.assertEqual(shown["outcome"], "cancelled by tester (its runner had gone)")
        for _ in range(100):
            if not any(alive(p) for p in self.pids(ws)):
                break
            time.sleep(0.05)
        for pid in self.pids(ws):
            self.assertFalse(alive(pid), f"process {pid} outlived the cancel")

    def test_retries_back_off_and_succeed(self):
        start = time.monotonic()
        out = self.ok("ion", "run", "ctl", "--node", "flaky")
        elapsed = time.monotonic() - start
        self.assertRegex(out, r"^run/\S+ succeeded \(ctl/flaky: exit 0 \(attempt 3 of 3\)\)\n$")
        self.assertGreaterEqual(elapsed, 3.0, "backoff 1s, then 2s")
        run_id = out.split()[0].removeprefix("run/")
        self.assertEqual(json.loads(self.ok("run", "show", run_id, "-o", "json"))["attempts"], 3)
        self.assertEqual(self.ok("run", "logs", run_id),
                         "attempt 1\nmlops: attempt 1 of 3 failed (step 's': exit 1); retrying in 1s\n"
                         "attempt 2\nmlops: attempt 2 of 3 failed (step 's': exit 1); retrying in 2s\nattempt 3\n")

    def test_retries_run_out(self):
        r = self.run_mlops("ion", "run", "ctl", "--node", "stubborn")
        self.assertEqual(r.code, 1)
        self.assertRegex(r.out, r"failed \(ctl/stubborn: step 's': exit 1 \(attempt 2 of 2\)\)\n$")

    def test_cancel_during_backoff_stops_retrying(self):
        self.write("p2/ion.yaml", ION.replace("backoff: 1s}", "backoff: 60s}"))
        self.ok("ion", "apply", "-f", self.path("p2/ion.yaml"), "-q")
        runner = self.start("ion", "run", "ctl", "--node", "flaky")
        for _ in range(200):
            runs = json.loads(self.ok("run", "list", "--node", "flaky", "-o", "json"))["items"]
            if runs and "retrying" in self.ok("run", "logs", runs[0]["id"]):
                break
            time.sleep(0.05)
        run_id = runs[0]["id"]
        self.ok("run", "cancel", run_id)
        runner.communicate(timeout=30)
        self.assertEqual(json.loads(self.ok("run", "show", run_id, "-o", "json"))["outcome"],
                         "cancelled by tester (after step 's': exit 1)")

    def test_a_pipeline_killed_by_a_signal_is_recorded(self):
        r = self.run_mlops("ion", "run", "ctl", "--node", "killed")
        self.assertEqual(r.code, 1)
        self.assertRegex(r.out, r"failed \(ctl/killed: step 's': killed by SIGKILL\)\n$")

    def test_logs_follow_until_the_run_ends(self):
        runner = self.start("ion", "run", "ctl", "--node", "chatty")
        for _ in range(200):
            runs = json.loads(self.ok("run", "list", "--node", "chatty", "-o", "json"))["items"]
            if runs:
                break
            time.sleep(0.05)
        out = self.ok("run", "logs", runs[0]["id"], "-f")
        self.assertEqual(out, "".join(f"line {i}\n" for i in range(1, 6)))
        runner.communicate(timeout=30)

    def test_bad_control_fields_are_located(self):
        self.write("bad.yaml", ION.replace("timeout: 1s", "timeout: soon"))
        err = self.fails(2, "ion", "apply", "-f", self.path("bad.yaml"))
        self.assertIn("bad.yaml:6:", err)
        self.write("bad2.yaml", ION.replace("limit: 2,", "limit: 200,"))
        self.assertIn("retry limit must be between 0 and 100", self.fails(2, "ion", "apply", "-f", self.path("bad2.yaml")))
        self.assertEqual(self.fails(3, "run", "cancel", "r20260101-000000-abcdef"),
                         "mlops: error: no run with id 'r20260101-000000-abcdef' [see 'mlops run list']\n")


if __name__ == "__main__":
    unittest.main()
