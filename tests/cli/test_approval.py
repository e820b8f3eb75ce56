"""Approval policies: models wait for people; approvers, quorum, requester-cannot-approve, reject."""
import json
import os

import harness

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")

TWO_KEYS = """apiVersion: mlops/v1
kind: ION
metadata: {name: two-keys}
spec:
  nodes:
    - {name: train, pipeline: kmeans-train}
    - name: approve
      policy: {type: approval, approvers: [alice, bob, carol], quorum: 2}
    - {name: detect, pipeline: kmeans-infer}
  edges:
    - {from: train, to: approve}
    - {from: approve, to: detect}
"""


class Approvals(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.ok("ion", "apply", "-f", EXAMPLES, "-q")
        self.ok("ion", "apply", "-f", self.write("two.yaml", TWO_KEYS), "-q")

    def as_(self, who, *args, code=0):
        r = self.run_mlops(*args, env={"MLOPS_ACTOR": who})
        self.assertEqual(r.code, code, r)
        return r.out if code == 0 else r.err

    def test_approve_moves_the_model_on_and_the_next_run_uses_it(self):
        self.as_("carol", "ion", "run", "edge-cloud")
        pending = json.loads(self.ok("model", "pending", "-o", "json"))["items"]
        self.assertEqual([(p["model"], p["ion"], p["node"], p["requester"], p["quorum"]) for p in pending],
                         [("edge-cloud.retrain:1", "edge-cloud", "approve", "carol", 1)])
        self.assertEqual(self.as_("mallory", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud", code=7),
                         "mlops: error: 'mallory' is not an approver of edge-cloud/approve [approvers: alice, bob]\n")
        out = self.as_("alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud", "--comment", "ok")
        self.assertEqual(out, "policy edge-cloud/approve passed model/edge-cloud.retrain:1 (approved by alice: ok)\n"
                              "model/edge-cloud.retrain:1 delivered to edge-cloud/edge-infer\n")
        self.assertEqual(self.run_mlops("model", "pending").err, "nothing is waiting for approval\n")
        out = self.ok("ion", "run", "edge-cloud", "--node", "edge-infer")
        self.assertRegex(out, r"succeeded \(edge-cloud/edge-infer: exit 0\)")
        self.assertEqual(json.loads(self.ok("run", "list", "--node", "edge-infer", "-o", "json"))["items"][0]["modelIn"],
                         "edge-cloud.retrain:1")
        self.assertEqual(self.as_("bob", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud", code=3),
                         "mlops: error: model 'edge-cloud.retrain:1' is not waiting for approval in ion/edge-cloud "
                         "[see 'mlops model pending']\n")

    def test_quorum_and_requester_cannot_approve(self):
        self.as_("alice", "ion", "run", "two-keys")
        self.assertEqual(self.as_("alice", "model", "approve", "two-keys.train:1", "--ion", "two-keys", code=7),
                         "mlops: error: 'alice' produced model 'two-keys.train:1' and cannot approve it "
                         "[another approver must]\n")
        self.assertEqual(self.as_("bob", "model", "approve", "two-keys.train:1", "--ion", "two-keys"),
                         "model/two-keys.train:1 approved by bob (waiting for more approvals)\n")
        self.assertEqual(self.as_("bob", "model", "approve", "two-keys.train:1", "--ion", "two-keys", code=1),
                         "mlops: error: 'bob' has already approved model 'two-keys.train:1' at two-keys/approve\n")
        pending = json.loads(self.ok("model", "pending", "-o", "json"))["items"]
        self.assertEqual(pending[0]["approvedBy"], ["bob"])
        out = self.as_("carol", "model", "approve", "two-keys.train:1", "--ion", "two-keys")
        self.assertIn("passed model/two-keys.train:1 (approved by bob, carol)", out)
        self.assertIn("delivered to two-keys/detect", out)

    def test_reject_stops_the_model(self):
        self.as_("carol", "ion", "run", "edge-cloud")
        out = self.as_("bob", "model", "reject", "edge-cloud.retrain:1", "--ion", "edge-cloud", "--comment", "drift")
        self.assertEqual(out, "policy edge-cloud/approve failed model/edge-cloud.retrain:1 (rejected by bob: drift)\n")
        r = self.run_mlops("ion", "run", "edge-cloud", "--node", "edge-infer")
        self.assertIn("no model has reached node 'edge-infer' yet", r.out)

    def test_expired_requests_cannot_be_approved(self):
        quick = TWO_KEYS.replace("two-keys", "quick").replace("quorum: 2}", "quorum: 1, expires: 1s}")
        self.ok("ion", "apply", "-f", self.write("quick.yaml", quick), "-q")
        self.as_("carol", "ion", "run", "quick")
        self.assertEqual(len(json.loads(self.ok("model", "pending", "-o", "json"))["items"]), 1)
        import time
        time.sleep(1.3)
        self.assertEqual(self.run_mlops("model", "pending").err, "nothing is waiting for approval\n")
        self.assertEqual(self.as_("alice", "model", "approve", "quick.train:1", "--ion", "quick", code=1),
                         "mlops: error: the approval of model 'quick.train:1' at quick/approve has expired\n")
        events = json.loads(self.ok("events", "--ion", "quick", "-o", "json"))["items"]
        self.assertEqual([(e["event"], e["node"], e["detail"].split(":")[0]) for e in events],
                         [("produced", "train", events[0]["detail"].split(":")[0]), ("pending", "approve", "waiting for approval"),
                          ("failed", "approve", "approval expired")])

    def test_events_tell_the_story(self):
        self.as_("carol", "ion", "run", "edge-cloud")
        self.as_("alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud")
        self.ok("ion", "run", "quickstart", "--once")
        kinds = [(e["ion"], e["event"], e["node"]) for e in json.loads(self.ok("events", "-o", "json"))["items"]]
        self.assertEqual(kinds, [("edge-cloud", "produced", "retrain"), ("edge-cloud", "pending", "approve"),
                                 ("edge-cloud", "passed", "approve"), ("edge-cloud", "delivered", "edge-infer"),
                                 ("quickstart", "produced", "train"), ("quickstart", "passed", "quality"),
                                 ("quickstart", "delivered", "detect"), ("quickstart", "deployed", "detect")])
        table = self.ok("events", "--ion", "quickstart").splitlines()
        self.assertEqual(table[0].split(), ["TIME", "EVENT", "WHERE", "MODEL", "DETAIL"])
        self.assertEqual(table[2].split()[1:4], ["passed", "quickstart/quality", "quickstart.train:1"])

    def test_wait_blocks_until_approved_and_times_out_otherwise(self):
        import subprocess
        import time
        self.as_("carol", "ion", "run", "edge-cloud")
        r = self.run_mlops("wait", "edge-cloud.retrain:1", "--ion", "edge-cloud", "--for", "approved", "--timeout", "1s")
        self.assertEqual((r.code, r.err), (6, "mlops: error: timed out after 1s waiting for model 'edge-cloud.retrain:1' "
                                              "to be approved in ion/edge-cloud\n"))
        waiter = subprocess.Popen([harness.BIN, "--store", self.store, "wait", "edge-cloud.retrain:1", "--ion", "edge-cloud",
                                   "--for", "delivered", "--node", "edge-infer", "--timeout", "60s"],
                                  env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        self.assertIsNone(waiter.poll(), "it waits")
        self.as_("alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud")
        out, err = waiter.communicate(timeout=30)
        self.assertEqual((waiter.returncode, out), (0, "model/edge-cloud.retrain:1 delivered to edge-cloud/edge-infer\n"), err)
        self.assertEqual(self.ok("wait", "edge-cloud.retrain:1", "--ion", "edge-cloud", "--for", "approved"),
                         "policy edge-cloud/approve passed model/edge-cloud.retrain:1 (approved by alice)\n")
        r = self.run_mlops("wait", "edge-cloud.retrain:1", "--ion", "edge-cloud", "--for", "rejected")
        self.assertEqual((r.code, r.err), (1, "mlops: error: model 'edge-cloud.retrain:1' was approved at "
                                              "edge-cloud/approve (approved by alice)\n"))

    def test_bad_requests_change_nothing(self):
        self.as_("carol", "ion", "run", "edge-cloud")
        before = self.store_state()
        self.assertEqual(self.as_("alice", "model", "approve", "edge-cloud.retrain:9", "--ion", "edge-cloud", code=3),
                         "mlops: error: model 'edge-cloud.retrain' has no version 9\n")
        self.assertEqual(self.as_("alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "edge-clod", code=3),
                         "mlops: error: no ION named 'edge-clod' [did you mean 'edge-cloud'?]\n")
        self.assertEqual(self.as_("alice", "model", "approve", "edge-cloud.retrain:1", "--ion", "quickstart", code=3),
                         "mlops: error: model 'edge-cloud.retrain:1' is not waiting for approval in ion/quickstart "
                         "[see 'mlops model pending']\n")
        self.assertEqual(self.store_state(), before)


if __name__ == "__main__":
    harness.main()
