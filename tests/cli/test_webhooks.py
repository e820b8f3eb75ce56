"""Webhooks to a real HTTP receiver on the loopback: alerts and pending approvals arrive as JSON
signed with HMAC-SHA256, a refused delivery is tried again with the same id, and an ION's own
webhook gets only that ION's alerts."""
import hashlib
import hmac
import http.server
import json
import os
import threading
import time

import harness
from test_fleet import Process

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        srv = self.server
        with srv.lock:
            srv.seen.append((self.path, dict(self.headers), body))
            refuse = srv.refuse > 0
            srv.refuse -= 1 if refuse else 0
        self.send_response(503 if refuse else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


def receiver(refuse=0):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    srv.seen, srv.lock, srv.refuse = [], threading.Lock(), refuse
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def wait_for(srv, predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with srv.lock:
            got = list(srv.seen)
        if predicate(got):
            return got
        time.sleep(0.05)
    raise AssertionError(f"the receiver saw {[(p, b[:80]) for p, _, b in got]}")


class Webhooks(harness.MlopsTest):
    def signed(self, headers, body, secret):
        want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers["X-Mlops-Signature"], want)

    def failing_ion(self, name, extra=""):
        self.write(f"{name}/p/pipeline.yaml", f"apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {{name: {name}}}\n"
                   "spec: {engine: process, steps: [{name: s, run: [false]}]}\n")
        self.write(f"{name}/ion.yaml", f"apiVersion: mlops/v1\nkind: ION\nmetadata: {{name: {name}}}\nspec:\n"
                   f"  nodes: [{{name: n, pipeline: {name}}}]\n{extra}")
        self.ok("pipeline", "upload", self.path(name, "p"), "-q")
        self.ok("ion", "apply", "-f", self.path(name, "ion.yaml"), "-q")

    @harness.beside_the_store("the server is this test's own")
    def test_the_server_posts_signed_alerts_and_approvals_and_retries(self):
        hook = receiver(refuse=1)
        self.addCleanup(hook.shutdown)
        url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        self.ok("certs", "init", "--host", "127.0.0.1", "-q")
        self.assertEqual(self.fails(2, "server", "run", "--webhook", url),
                         "mlops: error: --webhook needs a secret to sign with in $MLOPS_WEBHOOK_SECRET\n")
        self.env["MLOPS_WEBHOOK_SECRET"] = "s3cret"
        server = Process(self, ["--store", self.store, "server", "run", "--listen", "127.0.0.1:0", "--webhook", url])
        self.addCleanup(server.stop)
        server.wait_for(r"^server listening on https://")
        self.failing_ion("bad")
        self.run_mlops("ion", "run", "bad")
        for p in ("kmeans-train",):
            self.ok("pipeline", "upload", os.path.join(EXAMPLES, "pipelines", p), "-q")
        self.write("gate.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: held}\nspec:\n  nodes:\n"
                   "    - {name: train, pipeline: kmeans-train}\n"
                   "    - {name: people, policy: {type: approval, approvers: [alice]}}\n"
                   "  edges: [{from: train, to: people}]\n")
        self.ok("ion", "apply", "-f", self.path("gate.yaml"), "-q")
        self.ok("ion", "run", "held", "-q")
        got = wait_for(hook, lambda seen: {json.loads(b)["kind"] for _, h, b in seen} >=
                       {"AlertNotification", "ApprovalNotification"} and len(seen) >= 3)
        for path, headers, body in got:
            self.assertEqual(path, "/hook")
            self.assertTrue(self.signed(headers, body, "s3cret"), headers)
            self.assertEqual(headers["Content-Type"], "application/json")
        first_id = got[0][1]["X-Mlops-Delivery"]
        self.assertEqual([h["X-Mlops-Delivery"] for _, h, _ in got].count(first_id), 2, "refused once, then taken")
        alert = [json.loads(b) for _, h, b in got if h["X-Mlops-Event"] == "alert"][0]["alert"]
        self.assertEqual((alert["name"], alert["ion"], alert["source"]), ("run-failed", "bad", "run"))
        approval = [json.loads(b) for _, h, b in got if h["X-Mlops-Event"] == "approval"][0]["approval"]
        self.assertEqual((approval["ion"], approval["node"], approval["model"], approval["approvers"]),
                         ("held", "people", "held.train:1", ["alice"]))
        time.sleep(1.5)
        with hook.lock:
            self.assertEqual(len(hook.seen), len(got), "each delivered once")
        server.wait_for(r"webhook http://127.0.0.1:[0-9]+/hook: delivery [0-9]+ \((alert|approval)\) failed: "
                        r"answered 503; trying again")

    def test_an_ions_own_webhook_gets_only_its_alerts_from_the_local_agent(self):
        hook = receiver()
        self.addCleanup(hook.shutdown)
        url = f"http://127.0.0.1:{hook.server_address[1]}/ion"
        self.failing_ion("watched", f"  webhooks: [{{url: '{url}', secretEnv: HOOK_SECRET}}]\n")
        self.failing_ion("other")
        agent = Process(self, ["--store", self.store, "agent", "run", "--local"])
        self.addCleanup(agent.stop)
        agent.wait_for(r"webhook .* of ion/watched skipped: \$HOOK_SECRET is not set here|^agent/", timeout=30)
        agent.stop()
        self.env["HOOK_SECRET"] = "ion-secret"
        agent = Process(self, ["--store", self.store, "agent", "run", "--local"])
        self.addCleanup(agent.stop)
        agent.wait_for(r"^agent/")
        self.run_mlops("ion", "run", "other")
        self.run_mlops("ion", "run", "watched")
        got = wait_for(hook, lambda seen: len(seen) >= 1)
        time.sleep(1.5)
        with hook.lock:
            got = list(hook.seen)
        self.assertEqual([json.loads(b)["alert"]["ion"] for _, _, b in got], ["watched"])
        self.assertTrue(self.signed(got[0][1], got[0][2], "ion-secret"))


if __name__ == "__main__":
    harness.main()
