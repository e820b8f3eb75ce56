"""fsck finds every corrupt or missing blob; gc removes exactly what no version reaches; du adds up."""
import json
import os

import harness

INTEGRITY = 4


def flip_byte(path, offset=0):
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


class Fsck(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        self.ok("model", "push", self.write("m.bin", os.urandom(5 << 20)), "-n", "churn")
        self.write("tree/a", b"file a")
        self.write("tree/b/c", b"file c")
        self.ok("model", "push", self.path("tree"), "-n", "tf")
        self.file_digest = harness.sha256_file(self.path("m.bin"))

    def test_clean_store_passes(self):
        out = self.ok("store", "fsck")
        self.assertRegex(out, r"^checked 4 blobs \(5\.0 MiB\) and 2 versions: ok\n$")
        doc = json.loads(self.ok("store", "fsck", "-o", "json"))
        self.assertEqual((doc["kind"], doc["ok"], doc["blobs"], doc["versions"], doc["problems"]),
                         ("FsckReport", True, 4, 2, []))

    def test_flipped_byte_is_caught_by_fsck_and_by_pull(self):
        flip_byte(self.blob_path(self.file_digest), offset=4 << 20)
        r = self.run_mlops("store", "fsck")
        self.assertEqual(r.code, INTEGRITY)
        lines = r.out.splitlines()
        self.assertRegex(lines[0], rf"^corrupt sha256:{self.file_digest}: content hashes to sha256:[0-9a-f]{{64}} "
                                   r"\(used by model/churn:1\)$")
        self.assertEqual(lines[1], "checked 4 blobs (5.0 MiB) and 2 versions: 1 problems")
        err = self.fails(INTEGRITY, "model", "pull", "churn", "-d", self.path("out"))
        self.assertRegex(err, rf"^mlops: error: blob 'sha256:{self.file_digest}' is corrupt: its content hashes to "
                              r"'sha256:[0-9a-f]{64}' \[run 'mlops store fsck'\]\n$")
        self.assertEqual(os.listdir(self.path("out")), [], "nothing is left behind by a failed pull")

    def test_corrupt_file_inside_a_tree(self):
        digest = harness.sha256_file(self.path("tree", "b", "c"))
        flip_byte(self.blob_path(digest))
        doc = json.loads(self.run_mlops("store", "fsck", "-o", "json").out)
        self.assertEqual([(p["problem"], p["digest"], p["usedBy"]) for p in doc["problems"]],
                         [("corrupt", "sha256:" + digest, ["tf:1"])])
        self.fails(INTEGRITY, "model", "pull", "tf", "-d", self.path("out"))
        self.assertEqual(os.listdir(self.path("out")), [])

    def test_missing_blob(self):
        os.unlink(self.blob_path(self.file_digest))
        r = self.run_mlops("store", "fsck")
        self.assertEqual(r.code, INTEGRITY)
        self.assertEqual(r.out.splitlines()[0], f"missing sha256:{self.file_digest} (used by model/churn:1)")
        self.assertEqual(self.fails(INTEGRITY, "model", "pull", "churn", "-d", self.path("out")),
                         f"mlops: error: blob 'sha256:{self.file_digest}' is missing from the store "
                         "[run 'mlops store fsck']\n")


    def test_a_tampered_source_name_cannot_escape_the_pull_directory(self):
        import sqlite3
        db = sqlite3.connect(os.path.join(self.store, "catalog.db"))
        db.execute("UPDATE versions SET source = '../escaped.bin'")
        db.commit()
        db.close()
        self.assertEqual(self.fails(INTEGRITY, "model", "pull", "churn", "-d", self.path("out")),
                         "mlops: error: model 'churn:1' has an unsafe source name '../escaped.bin'\n")
        self.assertFalse(os.path.exists(self.path("escaped.bin")))


class Gc(harness.MlopsTest):
    def test_gc_removes_only_unreachable_blobs(self):
        self.ok("model", "push", self.write("keep.bin", "keep"), "-n", "keep")
        self.write("tree/shared", "shared by both")
        self.write("tree/only-old", "old")
        self.ok("model", "push", self.path("tree"), "-n", "tree")
        os.unlink(self.path("tree", "only-old"))
        self.ok("model", "push", self.path("tree"), "-n", "tree")
        self.ok("model", "delete", "tree:1")
        # Leftovers of an interrupted write.
        self.write("store/tmp/.tmp-leftover", "partial")

        dry = self.ok("store", "gc", "--dry-run")
        only_old = harness.sha256_file(self.write("x", "old"))
        self.assertIn(f"would remove sha256:{only_old} (3 B)", dry)
        self.assertRegex(dry.splitlines()[-1], r"^would remove 2 blobs and 1 temporary files, freeing \d+ B$")
        self.assertEqual(len(self.blobs()), 5, "a dry run removes nothing")
        doc = json.loads(self.ok("store", "gc", "-o", "json"))
        self.assertEqual((doc["kind"], len(doc["removed"]), doc["tempFiles"]), ("GcReport", 2, 1))
        self.assertEqual(len(self.blobs()), 3)
        self.assertEqual(os.listdir(self.path("store", "tmp")), [])
        self.assertIn(": ok", self.ok("store", "fsck"))
        self.ok("model", "pull", "tree", "-d", self.path("out"))
        self.assertEqual(sorted(os.listdir(self.path("out", "tree"))), ["shared"])
        self.assertEqual(self.ok("store", "gc"), "removed 0 blobs and 0 temporary files, freed 0 B\n")

    def test_du(self):
        self.ok("model", "push", self.write("a.bin", b"a" * 1000), "-n", "a")
        self.ok("model", "push", self.write("a.bin", b"a" * 1000), "-n", "a")
        self.ok("model", "push", self.write("b.bin", b"b" * 500), "-n", "b")
        doc = json.loads(self.ok("store", "du", "-o", "json"))
        self.assertEqual(doc["models"], [{"name": "a", "versions": 2, "logicalBytes": 2000, "storedBytes": 1000},
                                         {"name": "b", "versions": 1, "logicalBytes": 500, "storedBytes": 500}])
        self.assertEqual((doc["blobs"], doc["blobBytes"], doc["unreferencedBytes"]), (2, 1500, 0))
        lines = self.ok("store", "du").splitlines()
        self.assertEqual(lines[0].split(), ["MODEL", "VERSIONS", "LOGICAL", "STORED"])
        self.assertEqual(lines[1].split(), ["a", "2", "2.0", "KiB", "1000", "B"])


if __name__ == "__main__":
    harness.main()
