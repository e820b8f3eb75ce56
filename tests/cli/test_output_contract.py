"""Every -o json document matches schemas/output.schema.json, and -o yaml says the same thing."""
import json
import os

import harness
import schema_check
import yaml_free

with open(os.path.join(harness.SOURCE_DIR, "schemas", "output.schema.json")) as f:
    SCHEMA = json.load(f)


class OutputContract(harness.MlopsTest):
    def check(self, *args, kind, code=0):
        r = self.run_mlops(*args, "-o", "json")
        self.assertEqual(r.code, code, r.err)
        doc = json.loads(r.out)
        self.assertEqual(doc["kind"], kind)
        self.assertEqual(schema_check.errors(doc, SCHEMA, SCHEMA), [])
        self.assertEqual(schema_check.errors(doc, SCHEMA["$defs"][kind], SCHEMA), [])
        return doc

    def test_every_document_kind(self):
        self.check("init", kind="Store")
        self.write("d/a", "a")
        self.check("model", "push", self.write("m.bin", "m"), "-n", "m", "--metric", "auc=0.9", "--param", "p=1",
                   kind="ModelVersion")
        self.check("model", "push", self.path("d"), "-n", "t", kind="ModelVersion")
        self.check("model", "show", "t", kind="ModelVersion")
        self.check("model", "list", kind="ModelVersionList")
        self.check("model", "alias", "set", "m:1", "prod", kind="ModelAlias")
        self.check("model", "history", "m", kind="ModelEventList")
        self.check("model", "pull", "t", "-d", self.path("out"), kind="ModelPull")
        self.check("store", "du", kind="DiskUsage")
        self.check("store", "fsck", kind="FsckReport")
        self.check("model", "delete", "t", kind="ModelDeletion")
        self.check("store", "gc", kind="GcReport")
        self.write("p/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: p}\n"
                                      "spec: {engine: process, args: [{name: a, default: x}], steps: [{name: s, run: [true]}]}\n")
        self.check("pipeline", "upload", self.path("p"), kind="PipelineVersion")
        self.check("pipeline", "list", kind="PipelineVersionList")
        self.check("pipeline", "show", "p", kind="PipelineVersion")
        self.check("pipeline", "download", "p", "-d", self.path("pd"), kind="PipelineDownload")
        examples = os.path.join(harness.SOURCE_DIR, "examples")
        self.check("ion", "apply", "-f", examples, "--dry-run", kind="ApplyResult")
        self.check("ion", "apply", "-f", examples, kind="ApplyResult")
        self.check("ion", "validate", "-f", os.path.join(examples, "ions", "quickstart.yaml"), kind="ValidationResult")
        self.check("ion", "get", kind="IONList")
        self.check("ion", "get", "quickstart", kind="ION")
        self.check("ion", "history", "quickstart", kind="IONRevisionList")
        self.check("ion", "rollback", "quickstart", "--to-revision", "1", kind="ApplyResult")
        run = self.check("ion", "run", "quickstart", "--node", "train", kind="RunList")["items"][0]
        self.check("run", "list", kind="RunList")
        self.check("run", "show", run["id"], kind="Run")
        self.ok("ion", "run", "quickstart", "--once", "-q")
        self.ok("ion", "run", "quickstart", "--once", "-q")
        self.check("model", "rollback", "--ion", "quickstart", "--node", "detect", kind="Rollback")
        self.check("wait", "quickstart.train:3", "--ion", "quickstart", "--for", "deployed", "--timeout", "5s",
                   kind="WaitResult")
        self.run_mlops("ion", "run", "edge-cloud", env={"MLOPS_ACTOR": "carol"})
        self.check("model", "pending", kind="PendingApprovalList")
        r = self.run_mlops("model", "approve", "edge-cloud.retrain:1", "--ion", "edge-cloud", "-o", "json",
                           env={"MLOPS_ACTOR": "alice"})
        self.assertEqual(schema_check.errors(json.loads(r.out), SCHEMA["$defs"]["ApprovalResult"], SCHEMA), [])
        self.check("events", kind="EventList")
        self.check("stats", "tail", kind="StatPointList")
        self.check("stats", "list", "--ion", "quickstart", kind="StatSummaryList")
        self.check("stats", "query", "inertia", "--since", "1h", kind="StatPointList")
        self.check("stats", "query", "scored", "--since", "1h", "--every", "1m", "--agg", "p95", kind="StatBucketList")
        self.check("health", "show", kind="NodeHealthList")
        self.check("stats", "plot", "inertia", "scored", "--out", self.path("plot.svg"), kind="Plot")
        self.check("stats", "prune", "--older-than", "3650d", kind="StatPrune")
        self.write("bad/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: bad}\n"
                                        "spec: {engine: process, steps: [{name: s, run: [false]}]}\n")
        self.write("bad.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: bad}\n"
                               "spec: {nodes: [{name: n, pipeline: bad}]}\n")
        self.ok("pipeline", "upload", self.path("bad"), "-q")
        self.ok("ion", "apply", "-f", self.path("bad.yaml"), "-q")
        self.run_mlops("ion", "run", "bad")
        alerts = self.check("alerts", "list", kind="AlertList")["items"]
        self.assertEqual([a["name"] for a in alerts], ["run-failed"])
        self.check("alerts", "ack", str(alerts[0]["id"]), "--comment", "on it", kind="Alert")
        self.check("ion", "delete", "quickstart", kind="IONDeletion")
        self.check("pipeline", "delete", "p", kind="PipelineDeletion")
        os.unlink(self.blob_path("sha256:" + harness.sha256_file(self.path("m.bin"))))
        doc = self.check("store", "fsck", kind="FsckReport", code=4)
        self.assertFalse(doc["ok"])

    def test_the_checker_rejects_broken_documents(self):
        doc = json.loads(self.ok("model", "push", self.write("m.bin", "m"), "-n", "m", "-o", "json"))
        broken = dict(doc, digest="sha256:nope")
        del broken["createdBy"]
        found = schema_check.errors(broken, SCHEMA["$defs"]["ModelVersion"], SCHEMA)
        self.assertEqual(sorted(found), ["$.digest: 'sha256:nope' does not match ^sha256:[0-9a-f]{64}$",
                                         "$: missing 'createdBy'"])

    def test_yaml_matches_json_at_the_top(self):
        self.ok("model", "push", self.write("m.bin", "m"), "-n", "m")
        for args in (["model", "show", "m"], ["model", "list"], ["store", "du"]):
            doc = json.loads(self.ok(*args, "-o", "json"))
            top = yaml_free.top_level(self.ok(*args, "-o", "yaml"))
            for key, value in doc.items():
                if not isinstance(value, (dict, list)):
                    self.assertEqual(top[key], str(value).lower() if isinstance(value, bool) else str(value))


if __name__ == "__main__":
    harness.main()
