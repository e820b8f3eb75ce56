"""A server and remote agents as real processes on the loopback, over mutual TLS: the edge-cloud
example end to end, edges that keep working while the server is away, a download that survives
'kill -9', and credentials that are refused."""
import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import unittest
import urllib.request

import harness
from test_stats import Follower, follow_runs, tick_pipeline

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")


class Process:
    """A running mlops command whose output lines are collected as they come."""

    def __init__(self, test, args, stream="stdout"):
        self.test = test
        self.lines = []
        self.proc = subprocess.Popen([harness.BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=test.env, cwd=test.tmp)
        self.readers = [threading.Thread(target=self._read, args=(f,), daemon=True)
                        for f in (self.proc.stdout, self.proc.stderr)]
        for r in self.readers:
            r.start()

    def _read(self, f):
        for line in f:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, count=1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [l for l in list(self.lines) if re.search(pattern, l)]
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {count} lines matching {pattern!r} in {self.lines}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.proc.args} did not stop on {sig}")
        for r in self.readers:
            r.join(timeout=10)
        if sig != signal.SIGKILL:
            for marker in harness.SANITIZER_MARKERS:
                assert not any(marker in l for l in self.lines), "\n".join(self.lines)
        return self.proc.returncode


class Fleet(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.procs = []
        self.ok("certs", "init", "--host", "127.0.0.1", "-q")
        self.ca = os.path.join(self.store, "tls", "ca.crt")
        self.port = 0
        self.server = self.start_server()
        self.operator = self.ok("token", "create", "--role", "operator", "--name", "ops", "-q").strip()

    def tearDown(self):
        for p in self.procs:
            if p.proc.poll() is None:
                p.proc.kill()
                p.proc.wait()
        super().tearDown()

    def start_server(self):
        s = Process(self, ["--store", self.store, "-v", "server", "run", "--listen", f"127.0.0.1:{self.port}"])
        self.procs.append(s)
        line = s.wait_for(r"^server listening on https://")[0]
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        return s

    def join(self, name, labels, **extra):
        d = self.path(name)
        self.ok("agent", "join", "--server", self.url, "--ca", self.ca, "--token", self.operator, "--name", name,
                "--dir", os.path.join(d, "agent"), "-q", store=False)
        spec = {"apiVersion": "mlops/v1", "kind": "AgentConfig", "name": name, "server": self.url, "labels": labels,
                "engines": ["python", "process"], "poll": {"interval": "1s", "maxBackoff": "2s"}, **extra}
        self.write(f"{name}/agent.yaml", json.dumps(spec))  # JSON is YAML
        return os.path.join(d, "agent.yaml")

    def agent(self, config, *extra):
        a = Process(self, ["agent", "run", "--config", config, *extra])
        self.procs.append(a)
        a.wait_for(r"^agent/\S+ started")
        return a

    def context(self, name, token):
        self.ok("context", "add", name, "--server", self.url, "--ca", self.ca, "--token", token, "-q", store=False)

    def server_json(self, *args, **kw):
        return json.loads(self.ok(*args, "-o", "json", **kw))

    def test_edge_cloud_training_on_one_approval_by_a_person_inference_on_two_edges(self):
        for p in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(EXAMPLES, "pipelines", p), "-q")
        # The example as written, with timetables a test can wait for.
        with open(os.path.join(EXAMPLES, "ions", "edge-cloud.yaml")) as f:
            text = f.read()
        text = text.replace('schedule: {cron: "0 10 * * TUE", timezone: Europe/Berlin}', "schedule: {every: 2s}")
        text = text.replace("schedule: {every: 5m}", "schedule: {every: 1s}").replace("points: 20000", "points: 2000")
        self.assertEqual(text.count("every:"), 2)
        self.write("edge-cloud.yaml", text)
        self.ok("ion", "apply", "-f", self.path("edge-cloud.yaml"), "-q")
        cloud = self.agent(self.join("spark-cluster-2", {"tier": "cloud"}))
        edges = [self.agent(self.join(f"edge-{i}", {"tier": "edge"})) for i in (1, 2)]
        cloud.wait_for(r"^ion/edge-cloud revision 1 assigned \(nodes retrain\)$")
        for e in edges:
            e.wait_for(r"^ion/edge-cloud revision 1 assigned \(nodes edge-infer\)$")

        # Training runs on the cloud agent only; its model reaches the server and waits for people.
        cloud.wait_for(r"^run/\S+ succeeded \(edge-cloud/retrain: exit 0\) -> model/edge-cloud.retrain:1$")
        self.context("alice", self.ok("token", "create", "--role", "approver", "--name", "alice", "-q").strip())
        self.context("carol", self.ok("token", "create", "--role", "viewer", "--name", "carol", "-q").strip())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pending = self.server_json("--context", "alice", "model", "pending", store=False)["items"]
            if pending:
                break
            time.sleep(0.2)
        self.assertTrue(pending, "\n".join(l for l in self.server.lines if "edge-" not in l))
        self.assertEqual(pending[0]["model"], "edge-cloud.retrain:1")
        self.assertEqual(pending[0]["requester"], "spark-cluster-2")
        model = self.server_json("--context", "alice", "model", "show", "edge-cloud.retrain:1", store=False)
        self.assertEqual(model["labels"]["agent"], "spark-cluster-2")
        # Edges run their schedule with no model yet: each run says so and fails, nothing else happens.
        # A viewer may look but not approve; nothing changes.
        err = self.fails(7, "--context", "carol", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud",
                         store=False)
        self.assertIn("token 'carol' has role viewer; this needs approver", err)
        self.assertEqual(len(self.server_json("--context", "carol", "model", "pending", store=False)["items"]),
                         len(self.server_json("--context", "alice", "model", "pending", store=False)["items"]))
        for e in edges:
            self.assertFalse([l for l in e.lines if "delivered to" in l], e.lines)

        out = self.ok("--context", "alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud", store=False)
        self.assertIn("model/edge-cloud.retrain:1 delivered to edge-cloud/edge-infer", out)
        for e in edges:
            e.wait_for(r"^model/edge-cloud.retrain:1 delivered to edge-cloud/edge-infer \([0-9.]+ [KMG]?i?B fetched\)$")
            e.wait_for(r"^run/\S+ succeeded \(edge-cloud/edge-infer: exit 0\)$")
        # Every run reached the server, inference runs with the approved model; retraining only on the cloud.
        ran = lambda e: {l.split()[0][4:] for l in e.lines if "succeeded (edge-cloud/edge-infer" in l}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ids = {r["id"] for r in self.server_json("run", "list", "--node", "edge-infer")["items"]
                   if r["modelIn"] == "edge-cloud.retrain:1" and r["status"] == "succeeded"}
            if all(ids & ran(e) for e in edges):
                break
            time.sleep(0.2)
        for e in edges:
            self.assertTrue(ids & ran(e), e.lines)
        for line in cloud.lines:
            self.assertNotIn("edge-infer", line)
        # 'ion run' through the server: the node runs now where it is placed, as the caller, and the
        # command prints what it prints locally once the agents have reported.
        out = self.ok("--context", "alice", "ion", "run", "edge-cloud", "--node", "retrain", store=False)
        first, *flows = out.splitlines()
        self.assertRegex(first, r"^run/\S+ succeeded \(edge-cloud/retrain: exit 0\) -> model/edge-cloud.retrain:[0-9]+$")
        self.assertTrue(flows and all(first.split("model/")[1] in f for f in flows), out)
        run = self.server_json("--context", "carol", "run", "show", first.split()[0][4:], store=False)
        self.assertEqual((run["startedBy"], run["node"]), ("alice", "retrain"))
        cloud.wait_for(r"^agent/spark-cluster-2: edge-cloud/retrain to run now, as alice asked$")
        out = self.ok("--context", "alice", "ion", "run", "edge-cloud", "--node", "edge-infer", "-o", "json", store=False)
        self.assertEqual(sorted(r["status"] for r in json.loads(out)["items"]), ["succeeded", "succeeded"], "one per edge")
        stats = sqlite3.connect(os.path.join(self.store, "catalog.db")).execute(
            "SELECT count(*) FROM stats WHERE node = 'edge-infer'").fetchone()[0]
        self.assertGreater(stats, 0, "the edges' stats reached the server")
        for a in [cloud, *edges, self.server]:
            self.assertEqual(a.stop(), 0, a.lines)

    def test_ion_run_and_run_cancel_through_the_server_reach_the_agent(self):
        self.write("p/slow/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: slow}\n"
                   "spec: {engine: process, steps: [{name: s, run: [sh, -c, 'echo waiting; exec sleep 600']}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: long}\nspec:\n  nodes:\n"
                   "    - {name: wait, pipeline: slow, placement: {agent: edge-1}}\n  edges: []\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        edge = self.agent(self.join("edge-1", {"tier": "edge"}))
        edge.wait_for(r"^ion/long revision 1 assigned \(nodes wait\)$")
        self.context("ops", self.operator)
        waiting = subprocess.Popen([harness.BIN, "--context", "ops", "ion", "run", "long", "--node", "wait"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        edge.wait_for(r"^agent/edge-1: long/wait to run now, as ops asked$")
        deadline, running = time.monotonic() + 30, []
        while not running and time.monotonic() < deadline:
            running = [r["id"] for r in self.server_json("run", "list", "--node", "wait")["items"] if r["status"] == "running"]
            time.sleep(0.2)
        self.assertEqual(len(running), 1, "the agent reported the run while it runs")
        deadline, log = time.monotonic() + 30, ""
        while "waiting" not in log and time.monotonic() < deadline:
            log = self.ok("--context", "ops", "run", "logs", running[0], store=False)
            time.sleep(0.2)
        self.assertIn("waiting\n", log, "what the run wrote reaches the server while it runs")
        out = self.ok("--context", "ops", "run", "cancel", running[0], store=False)
        self.assertEqual(out, f"run/{running[0]} cancelled\n")
        edge.wait_for(rf"^run/{running[0]}: cancel requested by ops$")
        out, err = waiting.communicate(timeout=60)
        self.assertEqual((waiting.returncode, out.split(" (")[0]), (1, f"run/{running[0]} cancelled"), err)
        self.assertIn(f"run '{running[0]}' failed", err)
        self.assertEqual(self.server_json("run", "show", running[0])["status"], "cancelled")
        # An agent killed while it runs a requested run: after its restart it says the run is lost
        # (it does not run it again), and the waiting command says so.
        waiting = subprocess.Popen([harness.BIN, "--context", "ops", "ion", "run", "long", "--node", "wait"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        edge.wait_for(r"^agent/edge-1: long/wait to run now, as ops asked$", count=2)
        deadline, running = time.monotonic() + 30, []
        while not running and time.monotonic() < deadline:
            running = [r["id"] for r in self.server_json("run", "list", "--node", "wait")["items"] if r["status"] == "running"]
            time.sleep(0.2)
        self.assertEqual(len(running), 1, "the second run is going")
        edge.stop(signal.SIGKILL)
        edge = self.agent(self.path("edge-1", "agent.yaml"))
        edge.wait_for(rf"^run/{running[0]} failed \(long/wait: lost: its runner \(pid [0-9]+\) ended while it ran\)$")
        out, err = waiting.communicate(timeout=60)
        self.assertEqual((waiting.returncode, out), (1, ""))
        self.assertEqual(err, "mlops: error: agent 'edge-1' lost its run of long/wait (it restarted while the run went on) "
                              "[run it again: 'mlops ion run long --node wait']\n")
        self.assertFalse([l for l in edge.lines if "to run now" in l], "not run again")
        deadline, status = time.monotonic() + 30, ""
        while status != "failed" and time.monotonic() < deadline:
            status = self.server_json("run", "show", running[0])["status"]
            time.sleep(0.2)
        self.assertEqual(status, "failed", "the server learns the run was lost")
        self.assertEqual(edge.stop(), 0, edge.lines)

    def test_stats_tail_follows_an_agents_running_pipeline_through_the_server_within_a_second(self):
        tick_pipeline(self)
        self.ok("pipeline", "upload", self.path("tick"), "-q")
        self.write("t.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: t}\nspec:\n  nodes:\n"
                   "    - {name: n, pipeline: tick, placement: {agent: edge-1}}\n")
        self.ok("ion", "apply", "-f", self.path("t.yaml"), "-q")
        edge = self.agent(self.join("edge-1", {"tier": "edge"}))
        edge.wait_for(r"^ion/t revision 1 assigned")
        self.context("ops", self.operator)
        f = Follower(self, ["--context", "ops"])
        try:
            time.sleep(0.5)
            self.ok("--context", "ops", "ion", "run", "t", store=False)
            follow_runs(self, f, lambda: self.ok("--context", "ops", "ion", "run", "t", store=False))
        finally:
            f.stop()
        self.assertEqual({p["agent"] for _, p in f.points}, {"edge-1"})
        self.assertEqual(edge.stop(), 0, edge.lines)

    def test_the_agent_serves_metrics_that_promtool_accepts(self):
        self.write("p/hi/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: hi}\n"
                   "spec: {engine: process, steps: [{name: s, run: [true]}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: m}\nspec:\n  nodes:\n"
                   "    - {name: n, pipeline: hi, placement: {agent: edge-1}, schedule: {every: 1s}}\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        edge = self.agent(self.join("edge-1", {"tier": "edge"}, metrics={"listen": "127.0.0.1:0"}))
        url = edge.wait_for(r"^agent/edge-1: metrics on http://127.0.0.1:[0-9]+/metrics$")[0].split()[-1]
        edge.wait_for(r"succeeded \(m/n: exit 0\)", count=2)
        deadline, text = time.monotonic() + 30, ""
        while "mlops_agent_request_duration_seconds_bucket" not in text and time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=10) as r:
                self.assertEqual(r.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
                text = r.read().decode()
            time.sleep(0.2)
        self.assertRegex(text, r'(?m)^mlops_runs_total\{ion="m",node="n",status="succeeded"\} [0-9]+$')
        self.assertRegex(text, r'(?m)^mlops_agent_server_reachable 1$')
        self.assertRegex(text, r'(?m)^mlops_agent_request_duration_seconds_count\{code="2xx",method="GET",'
                               r'route="/api/v1/agents/\{\}/assignment"\} [0-9]+$')
        check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(edge.stop(), 0, edge.lines)
        bad = self.join("edge-2", {}, metrics={"listen": "nowhere"})
        err = self.fails(2, "agent", "run", "--config", bad, store=False)
        self.assertRegex(err, r"agent.yaml:1:[0-9]+: invalid listen address 'nowhere' \[HOST:PORT")

    def test_a_service_keeps_serving_its_last_model_with_the_server_away_and_after_a_restart(self):
        self.write("p/serve/serve.py", "import time, mlops_sdk\nwhile True:\n"
                   "    print('serving', open(mlops_sdk.current_model()).read(), flush=True)\n    time.sleep(0.1)\n")
        self.write("p/serve/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: serve}\n"
                   "spec: {engine: python, consumes: true, steps: [{name: s, run: [python3, serve.py]}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: sv}\nspec:\n  nodes:\n"
                   "    - {name: api, pipeline: serve, mode: service, placement: {agent: edge-1}}\n  edges: []\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        self.write("m.txt", "model-one")
        self.ok("model", "push", self.path("m.txt"), "--name", "scorer", "-q")
        self.ok("model", "rollback", "--ion", "sv", "--node", "api", "--to", "scorer:1", "-q")
        runs = self.path("edge-1", "data", "store", "runs")

        def served(timeout=30, not_in=()):
            """How often the edge's services have served model-one so far, once that grows (counting
            only runs not in `not_in`)."""
            def count():
                n = 0
                for run in set(os.listdir(runs) if os.path.isdir(runs) else []) - set(not_in):
                    log = os.path.join(runs, run, "run.log")
                    if os.path.exists(log):
                        with open(log, errors="replace") as f:
                            n += f.read().count("serving model-one")
                return n
            before, deadline = count(), time.monotonic() + timeout
            while count() <= before + 5 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertGreater(count(), before + 5, "the service serves the delivered model")
            return count()

        edge = self.agent(self.join("edge-1", {"tier": "edge"}))
        edge.wait_for(r"^model/scorer:1 delivered to sv/api ")
        served()
        self.assertEqual(self.server.stop(), 0)
        edge.wait_for(r"^agent/edge-1: no answer from https://127.0.0.1:[0-9]+/api/v1/.* \(retrying with back-off\)$")
        served()  # the server is away: it goes on
        self.assertEqual(edge.stop(), 0)
        before_restart = os.listdir(runs)
        edge = self.agent(self.path("edge-1", "agent.yaml"))  # restarted with no server to ask
        edge.wait_for(r"^agent/edge-1: no answer from https://127.0.0.1:[0-9]+/api/v1/")
        served(not_in=before_restart)  # what its replica holds: the last model delivered, served again by a new run
        self.server = self.start_server()
        edge.wait_for(r"reachable again$", timeout=30)
        served()
        for a in (edge, self.server):
            self.assertEqual(a.stop(), 0, a.lines)

    def stats_on_server(self, name):
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        try:
            return db.execute("SELECT run, labels FROM stats WHERE name = ?", (name,)).fetchall()
        finally:
            db.close()

    def test_an_edge_keeps_working_while_the_server_is_away_and_every_point_arrives_once(self):
        # 50 runs of 200 points each, one run a second: 10,000 points, most of them made while the
        # server is stopped for a minute.
        self.write("count/.keep", "")
        self.write("p/emit/emit.sh", (
            'n=$(ls "$COUNT" | wc -l)\n'
            '[ "$n" -ge 50 ] && exit 0\n'
            'touch "$COUNT/$MLOPS_RUN_ID"\n'
            'i=0\n'
            'while [ $i -lt 200 ]; do i=$((i+1)); '
            'echo "{\\"type\\":\\"stat\\",\\"name\\":\\"p\\",\\"value\\":$i,\\"labels\\":{\\"i\\":\\"$i\\"}}"; '
            'done >> "$MLOPS_STATS"\n'))
        self.write("p/emit/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: emit}\n"
                   "spec: {engine: process, steps: [{name: s, run: [sh, emit.sh]}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: field}\nspec:\n  nodes:\n"
                   "    - {name: emit, pipeline: emit, placement: {selector: {tier: edge}}, schedule: {every: 1s}}\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        self.env["COUNT"] = self.path("count")
        edge = self.agent(self.join("edge-1", {"tier": "edge"}), "--on-stop", "finish")
        deadline = time.monotonic() + 30
        while not self.stats_on_server("p") and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertTrue(self.stats_on_server("p"), "points arrive while the server is up")

        self.assertEqual(self.server.stop(), 0)
        edge.wait_for(r"^agent/edge-1: no answer from https://127.0.0.1:[0-9]+/api/v1/.* \(retrying with back-off\)$")
        time.sleep(20)
        # Restarted with no server to ask: it runs what its replica holds, and its spool waits.
        self.assertEqual(edge.stop(), 0)
        before = len(os.listdir(self.path("count")))
        edge = self.agent(self.path("edge-1", "agent.yaml"), "--on-stop", "finish")
        edge.wait_for(r"^agent/edge-1: no answer from https://127.0.0.1:[0-9]+/api/v1/")
        edge.wait_for(r"^run/\S+ succeeded \(field/emit: exit 0\)$")
        time.sleep(40)
        self.assertGreater(len(os.listdir(self.path("count"))), before)
        runs = len(os.listdir(self.path("count"))) - 1
        self.assertGreater(runs, 40, "the schedule kept running with the server away")
        self.server = self.start_server()  # the same port: the agent's config names it
        edge.wait_for(r"reachable again$", timeout=30)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(self.stats_on_server("p")) < 10000:
            time.sleep(0.2)
        time.sleep(3)  # anything sent twice would show by now
        points = self.stats_on_server("p")
        self.assertEqual(len(os.listdir(self.path("count"))) - 1, 50)
        self.assertEqual(len(points), 10000)
        self.assertEqual(len(set(points)), 10000, "every point once")
        self.assertEqual(len({run for run, _ in points}), 50)
        for a in (edge, self.server):
            self.assertEqual(a.stop(), 0, a.lines)

    def test_kill_9_in_the_middle_of_a_download_resumes_and_never_serves_a_partial_model(self):
        size = 64 << 20  # large beside what sockets buffer in flight (a few MiB on the loopback)
        with open(self.path("big.bin"), "wb") as f:
            f.write(os.urandom(size))
        with open(self.path("big.bin"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.write("p/use/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: use}\n"
                   "spec: {engine: process, consumes: true, steps: [{name: s, run: [sh, -c, "
                   "'sha256sum < \"$MLOPS_MODEL_IN\" > \"$OUT/$MLOPS_RUN_ID\"']}]}\n")
        self.write("p/ion.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: big}\nspec:\n  nodes:\n"
                   "    - {name: use, pipeline: use, placement: {agent: edge-1}, schedule: {every: 1s}}\n")
        self.ok("ion", "apply", "-f", self.path("p"), "-q")
        self.write("out/.keep", "")
        self.env["OUT"] = self.path("out")
        config = self.join("edge-1", {}, transfer={"maxRate": "8MiB"})
        edge = self.agent(config)
        edge.wait_for(r"^ion/big revision 1 assigned")
        self.ok("model", "push", self.path("big.bin"), "--name", "big", "-q")
        self.ok("model", "rollback", "--ion", "big", "--node", "use", "--to", "big:1", "-q")
        part = self.path("edge-1", "data", "downloads", digest + ".part")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not os.path.exists(part) or os.path.getsize(part) < size * 0.4):
            time.sleep(0.05)
        edge.stop(signal.SIGKILL)
        have = os.path.getsize(part)
        self.assertTrue(size * 0.4 <= have < size, have)
        # Nothing of it is a model on the edge yet, and no run read it.
        replica = os.path.join(self.path("edge-1", "data", "store"))
        self.assertEqual(json.loads(self.ok("--store", replica, "model", "list", "-o", "json", store=False))["items"], [])
        self.assertEqual(os.listdir(self.path("out")), [".keep"])

        edge = self.agent(config)
        edge.wait_for(r"^model/big:1 delivered to big/use \(", timeout=60)
        edge.wait_for(r"^run/\S+ succeeded \(big/use: exit 0\)$")
        [read] = [f for f in os.listdir(self.path("out")) if f != ".keep"]
        with open(self.path("out", read)) as f:
            self.assertEqual(f.read().split()[0], digest, "the run read the whole model")
        # The server's own count of what it sent for the blob, both attempts: the second one sent
        # only what the first had not delivered.
        sent = [int(m.group(1)) for l in self.server.lines
                if (m := re.search(r"blob sha256:" + digest + r": ([0-9]+) bytes sent", l))]
        self.assertEqual(len(sent), 2, sent)
        self.assertEqual(sent[1], size - have)
        self.assertLess(sum(sent), size * 1.1, f"{sent} for {size}")
        self.assertFalse(os.path.exists(part))
        self.ok("--store", replica, "store", "fsck", "-q", store=False)
        for a in (edge, self.server):
            self.assertEqual(a.stop(), 0, a.lines)

    def test_a_revoked_agent_is_refused_and_says_so(self):
        edge = self.agent(self.join("edge-1", {"tier": "edge"}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            [a] = self.server_json("agent", "list")["items"]
            if a["labels"]:
                break
            time.sleep(0.1)
        self.assertEqual((a["name"], a["labels"], a["engines"], a["revoked"]), ("edge-1", {"tier": "edge"}, ["python", "process"], False))
        self.context("root", self.ok("token", "create", "--role", "admin", "--name", "root", "-q").strip())
        self.context("viewer", self.ok("token", "create", "--role", "viewer", "--name", "v", "-q").strip())
        self.assertIn("token 'v' has role viewer; this needs admin",
                      self.fails(7, "--context", "viewer", "agent", "revoke", "edge-1", store=False))
        self.assertEqual(self.ok("--context", "root", "agent", "revoke", "edge-1", store=False), "agent/edge-1 revoked\n")
        edge.wait_for(r"^agent/edge-1: .*401 the certificate of agent 'edge-1' is revoked \(retrying with back-off\)$")
        self.assertEqual(self.fails(3, "--context", "root", "agent", "revoke", "edge-1", store=False),
                         f"mlops: error: no agent 'edge-1' (or it is revoked already) (server {self.url}, context root)\n")
        self.assertTrue(self.server_json("--context", "viewer", "agent", "list", store=False)["items"][0]["revoked"])
        for a in (edge, self.server):
            self.assertEqual(a.stop(), 0, a.lines)


if __name__ == "__main__":
    unittest.main()
