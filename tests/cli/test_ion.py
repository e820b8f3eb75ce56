"""IONs: apply, validate, diff, get, describe, history, rollback, delete, graph; examples; bad corpus."""
import glob
import json
import os
import re
import shutil
import subprocess

import harness
from test_pipeline import SYSTEM_PYTHON, YAML12

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")
CORPUS = os.path.join(harness.SOURCE_DIR, "tests", "manifests", "ion")
SCHEMA = os.path.join(harness.SOURCE_DIR, "schemas", "ion.schema.json")


def schema_verdicts(paths):
    program = YAML12 + (
        "import json, sys, yaml, jsonschema\n"
        "v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))\n"
        "out = {}\n"
        "for p in sys.argv[2:]:\n"
        "    try:\n"
        "        doc = yaml.load(open(p), Loader=Loader)\n"
        "    except yaml.YAMLError as e:\n"
        "        out[p] = 'yaml'; continue\n"
        "    errors = list(v.iter_errors(doc))\n"
        "    out[p] = errors[0].message if errors else None\n"
        "print(json.dumps(out))\n")
    p = subprocess.run([SYSTEM_PYTHON, "-c", program, SCHEMA] + paths, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("the JSON Schema check needs Debian's python3-jsonschema and python3-yaml: " + p.stderr)
    return json.loads(p.stdout)


def steady(text):
    """Times and ages vary from run to run; golden files hold placeholders."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "TIME", text)
    return re.sub(r"\b\d+s\n", "AGE\n", text)


class Ions(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        for p in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(EXAMPLES, "pipelines", p), "-q")

    def test_examples_validate_apply_and_draw(self):
        out = self.ok("ion", "apply", "-f", EXAMPLES)
        self.assertIn("ion/edge-cloud created\n", out)
        self.assertIn("pipeline/spark-kmeans-train:1 uploaded\n", out)
        self.assertIn("pipeline/kmeans-train:1 unchanged\n", out)
        files = sorted(glob.glob(os.path.join(EXAMPLES, "ions", "*.yaml")))
        self.assertEqual(len(files), 4)
        self.assertEqual(schema_verdicts(files), {f: None for f in files})
        for f in files:
            name = os.path.basename(f)[:-5]
            self.assertEqual(self.ok("ion", "validate", "-f", f), f"ion/{name} valid\n")
            for fmt in ("text", "dot", "mermaid"):
                self.golden(f"ion/graph-{name}.{fmt}", self.ok("ion", "graph", name, "--format", fmt))
            if shutil.which("dot"):
                svg = subprocess.run(["dot", "-Tsvg"], input=self.ok("ion", "graph", name, "--format", "dot"),
                                     capture_output=True, text=True)
                self.assertEqual((svg.returncode, svg.stderr), (0, ""))
                self.assertIn("<svg", svg.stdout)
            else:
                self.fail("graphviz (dot) is needed; scripts/setup installs it")

    def test_apply_outcomes_and_dry_run(self):
        f = os.path.join(EXAMPLES, "ions", "quickstart.yaml")
        self.assertEqual(self.ok("ion", "apply", "-f", f, "--dry-run"), "ion/quickstart created (dry run)\n")
        self.assertEqual(self.run_mlops("ion", "get").err, "no IONs found\n")
        self.assertEqual(self.ok("ion", "apply", "-f", f), "ion/quickstart created\n")
        self.assertEqual(self.ok("ion", "apply", "-f", f), "ion/quickstart unchanged\n")
        changed = self.write("q.yaml", open(f).read().replace("every: 1m", "every: 2m"))
        self.assertEqual(self.ok("ion", "apply", "-f", changed, "--dry-run"), "ion/quickstart configured (dry run)\n")
        self.assertEqual(self.ok("ion", "apply", "-f", changed, "--cause", "slower"), "ion/quickstart configured\n")
        with open(f) as stdin:
            p = subprocess.run([harness.BIN, "--store", self.store, "ion", "apply", "-f", "-"], stdin=stdin,
                               capture_output=True, text=True, env=self.env)
        self.assertEqual((p.returncode, p.stdout), (0, "ion/quickstart configured\n"))
        history = json.loads(self.ok("ion", "history", "quickstart", "-o", "json"))["items"]
        self.assertEqual([(h["revision"], h["cause"], h["current"]) for h in history],
                         [(1, f"apply -f {f}", False), (2, "slower", False), (3, "apply -f -", True)])

    def test_apply_is_all_or_nothing(self):
        d = self.path("two")
        os.makedirs(d)
        shutil.copy(os.path.join(EXAMPLES, "ions", "quickstart.yaml"), d)
        shutil.copy(os.path.join(CORPUS, "bad", "missing-pipeline.yaml"), os.path.join(d, "z.yaml"))
        shutil.copytree(os.path.join(EXAMPLES, "pipelines", "tf-train"), os.path.join(d, "tf-train"))
        before = self.store_state()
        err = self.fails(2, "ion", "apply", "-f", d)
        self.assertIn("no pipeline named 'kmeans-trian'", err)
        self.assertEqual(self.store_state(), before)

    def test_the_same_ion_twice_in_one_apply_uploads_nothing(self):
        d = self.path("twice")
        os.makedirs(d)
        for name in ("a.yaml", "b.yaml"):
            shutil.copy(os.path.join(EXAMPLES, "ions", "quickstart.yaml"), os.path.join(d, name))
        shutil.copytree(os.path.join(EXAMPLES, "pipelines", "tf-train"), os.path.join(d, "tf-train"))
        before = self.store_state()
        err = self.fails(2, "ion", "apply", "-f", d)
        self.assertTrue(err.startswith(f"mlops: error: {d}/b.yaml:11:9: ION 'quickstart' is applied twice in one go\n"), err)
        self.assertEqual(self.store_state(), before)

    def test_get_describe_history_rollback_delete(self):
        f = os.path.join(EXAMPLES, "ions", "edge-cloud.yaml")
        self.ok("ion", "apply", "-f", f)
        self.ok("ion", "apply", "-f", self.write("e.yaml", open(f).read().replace("every: 5m", "every: 10m")),
                "--cause", "slower edge")
        self.golden("ion/get.txt", steady(self.ok("ion", "get")))
        self.golden("ion/describe.txt", steady(self.ok("ion", "describe", "edge-cloud")))
        self.golden("ion/history.txt", steady(self.ok("ion", "history", "edge-cloud")).replace(f, "FILE"))
        doc = json.loads(self.ok("ion", "get", "edge-cloud", "-o", "json"))
        self.assertEqual((doc["kind"], doc["metadata"]["name"], doc["status"]["revision"]), ("ION", "edge-cloud", 2))
        self.assertEqual(self.ok("ion", "rollback", "edge-cloud", "--to-revision", "1"),
                         "ion/edge-cloud rolled back to revision 1 (now revision 3)\n")
        self.assertIn("every 5m", self.ok("ion", "describe", "edge-cloud"))
        self.assertEqual(self.ok("ion", "rollback", "edge-cloud", "--to-revision", "1"),
                         "ion/edge-cloud unchanged (revision 1 is current)\n")
        self.assertEqual(self.fails(3, "ion", "rollback", "edge-cloud", "--to-revision", "9"),
                         "mlops: error: ION 'edge-cloud' has no revision 9 [see 'mlops ion history edge-cloud']\n")
        self.assertEqual(self.fails(3, "ion", "describe", "edge-clod"),
                         "mlops: error: no ION named 'edge-clod' [did you mean 'edge-cloud'?]\n")
        self.assertEqual(self.ok("ion", "delete", "edge-cloud"), "ion/edge-cloud deleted\n")
        self.fails(3, "ion", "get", "edge-cloud")

    def test_diff_exit_codes(self):
        f = os.path.join(EXAMPLES, "ions", "edge-cloud.yaml")
        r = self.run_mlops("ion", "diff", "-f", f)
        self.assertEqual(r.code, 1, "not applied yet: everything differs")
        self.ok("ion", "apply", "-f", f)
        self.assertEqual(self.ok("ion", "diff", "-f", f), "")
        changed = self.write("e.yaml", open(f).read().replace("every: 5m", "every: 10m"))
        r = self.run_mlops("ion", "diff", "-f", changed)
        self.assertEqual(r.code, 1)
        self.golden("ion/diff.txt", r.out.replace(changed, "FILE"))
        self.assertEqual(self.run_mlops("ion", "diff", "-f", self.path("nope.yaml")).code, 3)
        self.assertEqual(self.run_mlops("ion", "diff", "-f", os.path.join(CORPUS, "bad", "bad-cron.yaml")).code, 2)
        self.assertEqual(self.run_mlops("ion", "diff", "-f", self.path("no-such-dir")).code, 3)

    def test_bad_manifest_corpus(self):
        bad = sorted(glob.glob(os.path.join(CORPUS, "bad", "*.yaml")))
        self.assertGreaterEqual(len(bad), 30)
        verdicts = schema_verdicts(bad)
        before = self.store_state()
        for path in bad:
            name = os.path.basename(path)[:-5]
            with self.subTest(manifest=name):
                r = self.run_mlops("ion", "apply", "-f", os.path.join("bad", name + ".yaml"), cwd=CORPUS)
                self.assertEqual(r.code, 2, r.err)
                self.expect_file(path[:-5] + ".err", r.err)
                with open(path) as f:
                    expected = f.readline().strip()
                if expected == "# schema: rejects":
                    self.assertIsNotNone(verdicts[path], "the JSON Schema should reject this too")
                else:
                    self.assertEqual(expected, "# schema: accepts")
                    self.assertIsNone(verdicts[path], "only mlops' own checks can catch this")
        self.assertEqual(self.store_state(), before, "bad manifests change nothing")


if __name__ == "__main__":
    harness.main()
