"""Round trips through the store: files and directories come back byte-identical with their modes."""
import json
import os
import random

import harness


class PushPull(harness.MlopsTest):
    def test_file_round_trip_is_byte_identical_and_keeps_mode(self):
        data = random.Random(1).randbytes(9 << 20)  # crosses the 4 MiB copy chunks
        src = self.write("in/model.bin", data, mode=0o750)
        out = self.ok("model", "push", src, "--name", "churn")
        digest = harness.sha256_file(src)
        self.assertEqual(out, f"model/churn:1 sha256:{digest}\n")
        self.assertEqual(self.ok("model", "pull", "churn:1", "-d", self.path("out")),
                         f"model/churn:1 pulled to {self.path('out')}/model.bin\n")
        pulled = self.path("out", "model.bin")
        with open(pulled, "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.stat(pulled).st_mode & 0o7777, 0o750)

    def test_a_name_used_again_after_delete_pulls_its_new_content(self):
        """Numbers start again when a whole model is deleted; a pull must give the new churn:1."""
        self.ok("model", "push", self.write("a/model.bin", b"first"), "--name", "churn")
        self.ok("model", "pull", "churn:1", "-d", self.path("out1"))
        self.ok("model", "delete", "churn")
        self.ok("model", "push", self.write("b/model.bin", b"second"), "--name", "churn")
        self.ok("model", "pull", "churn:1", "-d", self.path("out2"))
        with open(self.path("out2", "model.bin"), "rb") as f:
            self.assertEqual(f.read(), b"second")

    def test_empty_file(self):
        src = self.write("empty.bin", b"")
        self.ok("model", "push", src, "--name", "e")
        self.ok("model", "pull", "e", "-d", self.path("out"))
        self.assertEqual(os.path.getsize(self.path("out", "empty.bin")), 0)

    def test_directory_round_trip_keeps_tree_modes_and_empty_dirs(self):
        self.write("saved/saved_model.pb", os.urandom(5000))
        self.write("saved/variables/variables.data-00000-of-00001", os.urandom(6 << 20))
        self.write("saved/variables/variables.index", b"index")
        self.write("saved/run.sh", b"#!/bin/sh\n", mode=0o755)
        os.makedirs(self.path("saved", "assets"))
        os.chmod(self.path("saved", "assets"), 0o700)
        before = harness.tree_snapshot(self.path("saved"))
        self.ok("model", "push", self.path("saved"), "--name", "tf")
        self.ok("model", "pull", "tf", "-d", self.path("out"))
        self.assertEqual(harness.tree_snapshot(self.path("out", "saved")), before)
        shown = json.loads(self.ok("model", "show", "tf", "-o", "json"))
        self.assertEqual(shown["type"], "directory")
        self.assertEqual(shown["files"], 4)
        self.assertIn({"path": "assets", "type": "dir", "mode": "0700"}, shown["tree"])

    def test_identical_content_is_one_blob_and_unchanged_files_are_shared(self):
        src = self.write("m.bin", b"same bytes")
        self.ok("model", "push", src, "--name", "a")
        blobs = self.blobs()
        self.assertEqual(self.ok("model", "push", src, "--name", "a", "-o", "name"), "model/a:2\n")
        self.ok("model", "push", src, "--name", "b")
        self.assertEqual(self.blobs(), blobs)

        self.write("d/big", os.urandom(1 << 20))
        self.write("d/small", b"v1")
        self.ok("model", "push", self.path("d"), "--name", "tree")
        before = self.blobs()
        self.write("d/small", b"v2")
        self.ok("model", "push", self.path("d"), "--name", "tree")
        # Only the changed file and the new tree manifest are new.
        self.assertEqual(len(self.blobs() - before), 2)

    def test_metadata_is_kept_and_shown(self):
        src = self.write("m.bin", b"x")
        doc = json.loads(self.ok("model", "push", src, "-n", "churn", "--metric", "auc=0.91", "--metric", "loss=1e-3",
                                 "--param", "lr=0.1", "--label", "team=risk", "-o", "json"))
        self.assertEqual(doc["apiVersion"], "mlops/v1")
        self.assertEqual(doc["kind"], "ModelVersion")
        self.assertEqual(doc["metrics"], {"auc": 0.91, "loss": 0.001})
        self.assertEqual(doc["params"], {"lr": "0.1"})
        self.assertEqual(doc["labels"], {"team": "risk"})
        self.assertEqual(doc["createdBy"], "tester")
        self.assertEqual(doc["source"], "m.bin")
        self.assertEqual(json.loads(self.ok("model", "show", "churn:1", "-o", "json")), doc | {"aliases": []})

    def test_pull_refuses_to_overwrite_without_force(self):
        src = self.write("m.bin", b"v1")
        self.ok("model", "push", src, "-n", "m")
        self.write("out/m.bin", b"mine")
        err = self.fails(1, "model", "pull", "m", "-d", self.path("out"))
        self.assertEqual(err, f"mlops: error: cannot pull into '{self.path('out')}/m.bin': it already exists "
                              "[use --force to replace it]\n")
        with open(self.path("out", "m.bin"), "rb") as f:
            self.assertEqual(f.read(), b"mine")
        self.ok("model", "pull", "m", "-d", self.path("out"), "--force")
        with open(self.path("out", "m.bin"), "rb") as f:
            self.assertEqual(f.read(), b"v1")

    def test_pull_force_replaces_a_directory_whole(self):
        self.write("d/a", b"1")
        self.ok("model", "push", self.path("d"), "-n", "m")
        self.write("out/d/stale", b"old")
        self.ok("model", "pull", "m", "-d", self.path("out"), "--force")
        self.assertEqual(sorted(os.listdir(self.path("out", "d"))), ["a"])
        self.assertEqual(sorted(os.listdir(self.path("out"))), ["d"], "no staging directories left behind")

    def test_pull_by_digest_and_default_directory(self):
        src = self.write("m.bin", b"by digest")
        digest = harness.sha256_file(src)
        self.ok("model", "push", src, "-n", "m")
        os.makedirs(self.path("work"))
        self.ok("model", "pull", f"sha256:{digest}", cwd=self.path("work"))
        self.assertEqual(harness.sha256_file(self.path("work", "m.bin")), digest)

    def test_symlinks_in_a_directory_are_refused_and_nothing_is_stored(self):
        self.write("d/a", b"1")
        os.symlink("/etc/passwd", self.path("d", "link"))
        self.ok("init")
        state = self.store_state()
        err = self.fails(1, "model", "push", self.path("d"), "-n", "m")
        self.assertEqual(err, f"mlops: error: cannot push '{self.path('d')}/link': symbolic links are not supported "
                              "in models [copy the target into the directory instead]\n")
        self.assertEqual(self.store_state(), state)


if __name__ == "__main__":
    harness.main()
