"""Pipelines: upload, list, show, download, delete; deterministic bundles; the bad-manifest corpus."""
import glob
import json
import os
import shutil
import subprocess
import textwrap

import harness

CORPUS = os.path.join(harness.SOURCE_DIR, "tests", "manifests", "pipeline")
SCHEMA = os.path.join(harness.SOURCE_DIR, "schemas", "pipeline.schema.json")
# Debian's python3-jsonschema and python3-yaml (scripts/setup installs them) live with the system Python.
SYSTEM_PYTHON = "/usr/bin/python3"
YAML12 = (
    "import re, yaml\n"
    "class Loader(yaml.SafeLoader):\n"
    "    pass\n"
    "# YAML 1.2, as mlops reads it: only true and false are booleans; 'on', 'yes' and 'off' are strings.\n"
    "Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:bool']\n"
    "                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}\n"
    "Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|false)$'), list('tf'))\n")

PIPELINE = textwrap.dedent("""\
    apiVersion: mlops/v1
    kind: Pipeline
    metadata:
      name: kmeans-train
      description: KMeans on a CSV
    spec:
      engine: python
      produces: true
      args:
        - name: k
          type: int
          default: 3
      steps:
        - name: fit
          run: [python3, fit.py, --k, "3"]
          after: [prepare]
        - name: prepare
          run: python3 prepare.py
    """)


def schema_verdicts(paths):
    """{path: None or error} from the real JSON Schema validator."""
    program = YAML12 + textwrap.dedent("""\
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        validator = jsonschema.Draft202012Validator(schema)
        out = {}
        for path in sys.argv[2:]:
            try:
                docs = [d for d in yaml.load_all(open(path), Loader=Loader) if d is not None]
            except yaml.YAMLError as e:
                out[path] = "yaml: " + str(e).splitlines()[0]
                continue
            if len(docs) != 1:
                out[path] = None if docs else "empty"
                if docs:
                    errors = list(validator.iter_errors(docs[0]))
                    out[path] = errors[0].message if errors else None
                continue
            errors = list(validator.iter_errors(docs[0]))
            out[path] = errors[0].message if errors else None
        print(json.dumps(out))
        """)
    p = subprocess.run([SYSTEM_PYTHON, "-c", program, SCHEMA] + paths, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("the JSON Schema check needs Debian's python3-jsonschema and python3-yaml: " + p.stderr)
    return json.loads(p.stdout)


class Pipelines(harness.MlopsTest):
    def make(self, rel="p", manifest=PIPELINE):
        self.write(f"{rel}/pipeline.yaml", manifest)
        self.write(f"{rel}/fit.py", "print('fit')\n")
        self.write(f"{rel}/prepare.py", "print('prepare')\n")
        self.write(f"{rel}/lib/util.py", "X = 1\n")
        return self.path(rel)

    def test_upload_versions_and_unchanged(self):
        d = self.make()
        out = self.ok("pipeline", "upload", d)
        self.assertRegex(out, r"^pipeline/kmeans-train:1 uploaded sha256:[0-9a-f]{64}\n$")
        self.assertRegex(self.ok("pipeline", "upload", d), r"^pipeline/kmeans-train:1 unchanged sha256:")
        self.write("p/fit.py", "print('fit v2')\n")
        self.assertRegex(self.ok("pipeline", "upload", d), r"^pipeline/kmeans-train:2 uploaded sha256:")
        self.assertEqual(self.ok("pipeline", "list", "-o", "name"), "pipeline/kmeans-train:1\npipeline/kmeans-train:2\n")

    def test_same_content_same_digest_anywhere(self):
        # Two checkouts that differ in times, permissions and location, as on two machines.
        a = self.make("a")
        b = self.make("b")
        os.chmod(os.path.join(b, "fit.py"), 0o600)
        os.utime(os.path.join(b, "prepare.py"), (1, 1))
        da = json.loads(self.ok("pipeline", "upload", a, "-o", "json"))["digest"]
        other = os.path.join(self.tmp, "other")
        db = json.loads(self.run_mlops("--store", other, "pipeline", "upload", b, "-o", "json", store=False).out)["digest"]
        self.assertEqual(da, db)

    def test_mlopsignore(self):
        d = self.make()
        self.write("p/.mlopsignore", "*.log\n__pycache__/\n")
        self.write("p/debug.log", "noise")
        self.write("p/__pycache__/fit.pyc", "bytecode")
        doc = json.loads(self.ok("pipeline", "upload", d, "-o", "json"))
        self.assertEqual(doc["files"], 5)  # pipeline.yaml, .mlopsignore, fit.py, prepare.py, lib/util.py
        self.ok("pipeline", "download", "kmeans-train", "-d", self.path("out"))
        self.assertEqual(sorted(os.listdir(self.path("out"))), [".mlopsignore", "fit.py", "lib", "pipeline.yaml", "prepare.py"])

    def test_show_download_delete(self):
        self.ok("pipeline", "upload", self.make())
        shown = self.ok("pipeline", "show", "kmeans-train:1")
        self.assertIn("Engine:       python\n", shown)
        self.assertIn("  k (int) = 3\n", shown)
        self.assertIn("  prepare: /bin/sh -c python3 prepare.py\n  fit: python3 fit.py --k 3  (after prepare)\n", shown)
        doc = json.loads(self.ok("pipeline", "show", "kmeans-train", "-o", "json"))
        self.assertEqual([s["name"] for s in doc["steps"]], ["prepare", "fit"], "steps come in execution order")
        self.assertEqual(self.ok("pipeline", "download", "kmeans-train", cwd=self.tmp),
                         "pipeline/kmeans-train:1 downloaded to kmeans-train\n")
        self.assertEqual(harness.tree_snapshot(self.path("kmeans-train")).keys(), harness.tree_snapshot(self.path("p")).keys())
        err = self.fails(1, "pipeline", "download", "kmeans-train", cwd=self.tmp)
        self.assertEqual(err, "mlops: error: cannot unpack into 'kmeans-train': it already exists\n")
        self.assertEqual(self.fails(3, "pipeline", "show", "kmeans-trian"),
                         "mlops: error: no pipeline named 'kmeans-trian' [did you mean 'kmeans-train'?]\n")
        self.assertEqual(self.fails(3, "pipeline", "show", "kmeans-train:4"),
                         "mlops: error: pipeline 'kmeans-train' has no version 4\n")
        self.assertEqual(self.ok("pipeline", "delete", "kmeans-train"), "pipeline/kmeans-train:1 deleted\n")
        self.assertEqual(self.run_mlops("pipeline", "list").err, "no pipelines found\n")

    def test_gc_keeps_and_fsck_checks_pipeline_bundles(self):
        digest = json.loads(self.ok("pipeline", "upload", self.make(), "-o", "json"))["digest"]
        self.ok("store", "gc")
        self.assertTrue(os.path.exists(self.blob_path(digest)))
        os.chmod(self.blob_path(digest), 0o644)
        with open(self.blob_path(digest), "r+b") as f:
            f.write(b"X")
        r = self.run_mlops("store", "fsck")
        self.assertEqual(r.code, 4)
        self.assertIn("(used by pipeline/kmeans-train:1)", r.out)
        self.forget_client_cache()
        self.fails(4, "pipeline", "download", "kmeans-train", "-d", self.path("out"))
        self.assertFalse(os.path.exists(self.path("out")))

    def test_hostile_bundles_are_refused_on_download(self):
        """A tampered store (or, later, a hostile server) hands out a bundle built to escape."""
        import hashlib, io, sqlite3, tarfile
        self.ok("pipeline", "upload", self.make())

        def tar(*members):
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
                for info, data in members:
                    t.addfile(info, io.BytesIO(data) if data is not None else None)
            return buf.getvalue()

        def entry(name, data=b"x", kind=tarfile.REGTYPE, link=""):
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
            return info, data if kind == tarfile.REGTYPE else None

        cases = {
            "escape": (tar(entry("ok.py"), entry("../../escaped.py")), "entry '../../escaped.py' escapes the target directory"),
            "absolute": (tar(entry("/tmp/evil.py")), "entry '/tmp/evil.py' is not a relative path"),
            "symlink": (tar(entry("link", kind=tarfile.SYMTYPE, link="/etc/passwd")),
                        "entry 'link' is a link; bundles hold only files and directories"),
            "hardlink": (tar(entry("a"), entry("b", kind=tarfile.LNKTYPE, link="a")),
                         "entry 'b' is a link; bundles hold only files and directories"),
            "device": (tar(entry("null", kind=tarfile.CHRTYPE)), "entry 'null' is a device, FIFO or socket"),
        }
        for name, (data, why) in cases.items():
            with self.subTest(bundle=name):
                digest = hashlib.sha256(data).hexdigest()
                os.makedirs(os.path.dirname(self.blob_path(digest)), exist_ok=True)
                with open(self.blob_path(digest), "wb") as f:
                    f.write(data)
                db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
                db.execute("UPDATE pipeline_versions SET digest = ?", (digest,))
                db.commit()
                db.close()
                err = self.fails(4, "pipeline", "download", "kmeans-train", "-d", self.path("out"))
                self.assertEqual(err, f"mlops: error: cannot unpack 'pipeline/kmeans-train:1': {why}\n")
                self.assertFalse(os.path.exists(self.path("out")))
                self.assertFalse(os.path.exists(self.path("escaped.py")))
                self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".tmp-")], [])

    def test_missing_manifest(self):
        os.makedirs(self.path("empty"))
        self.assertEqual(self.fails(3, "pipeline", "upload", self.path("empty")),
                         f"mlops: error: cannot read '{self.path('empty')}/pipeline.yaml': no such file or directory\n")

    def test_bad_manifest_corpus(self):
        bad = sorted(glob.glob(os.path.join(CORPUS, "bad", "*.yaml")))
        self.assertGreaterEqual(len(bad), 30)
        verdicts = schema_verdicts(bad)
        self.ok("init")
        before = self.store_state()
        for path in bad:
            name = os.path.basename(path)[:-5]
            with self.subTest(manifest=name):
                work = self.path("corpus", name)
                os.makedirs(work)
                shutil.copy(path, os.path.join(work, "pipeline.yaml"))
                r = self.run_mlops("pipeline", "upload", name, cwd=self.path("corpus"))
                self.assertEqual(r.code, 2, r.err)
                self.expect_file(path[:-5] + ".err", r.err.replace(self.path("corpus") + "/", ""))
                with open(path) as f:
                    expected = f.readline().strip()
                self.assertIn(expected, ("# schema: rejects", "# schema: accepts"))
                if expected == "# schema: rejects":
                    self.assertIsNotNone(verdicts[path], "the JSON Schema should reject this too")
                else:
                    self.assertIsNone(verdicts[path], "only mlops' own checks can catch this")
        self.assertEqual(self.store_state(), before, "bad manifests change nothing")

    def test_good_manifests_pass_both_validators(self):
        good = sorted(glob.glob(os.path.join(CORPUS, "good", "*.yaml")) +
                      glob.glob(os.path.join(harness.SOURCE_DIR, "examples", "pipelines", "*", "pipeline.yaml")))
        self.assertGreater(len(good), 0)
        for path, verdict in schema_verdicts(good).items():
            self.assertIsNone(verdict, path)
        for path in good:
            work = self.path("good", os.path.basename(os.path.dirname(path)) + os.path.basename(path))
            shutil.copytree(os.path.dirname(path), work) if path.endswith("/pipeline.yaml") else \
                (os.makedirs(work), shutil.copy(path, os.path.join(work, "pipeline.yaml")))
            self.ok("pipeline", "upload", work)


if __name__ == "__main__":
    harness.main()
