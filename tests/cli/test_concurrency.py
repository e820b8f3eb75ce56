"""Several processes push, read and collect garbage in one store at once."""
import json
import os
import subprocess

import harness


class Concurrency(harness.MlopsTest):
    def start(self, *args):
        return subprocess.Popen([harness.BIN, "--store", self.store] + list(args), env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self, procs):
        results = []
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
            for marker in harness.SANITIZER_MARKERS:
                self.assertNotIn(marker, err)
            results.append(out)
        return results

    def test_eight_concurrent_pushes(self):
        self.ok("init")
        sources = [self.write(f"src/{i}.bin", os.urandom(3 << 20) + bytes([i])) for i in range(8)]
        same = self.write("same.bin", os.urandom(1 << 20))
        procs = [self.start("model", "push", s, "--name", "shared", "-o", "json") for s in sources]
        procs += [self.start("model", "push", same, "--name", "same", "-o", "json") for _ in range(8)]
        readers = [self.start("model", "list", "-o", "json") for _ in range(4)]
        pushed = [json.loads(out) for out in self.finish(procs)]
        self.finish(readers)

        shared = sorted((d["version"], d["digest"]) for d in pushed if d["name"] == "shared")
        self.assertEqual([v for v, _ in shared], list(range(1, 9)), "every push got its own version")
        self.assertEqual(sorted(d for _, d in shared), sorted("sha256:" + harness.sha256_file(s) for s in sources))
        same_versions = sorted(d["version"] for d in pushed if d["name"] == "same")
        self.assertEqual(same_versions, list(range(1, 9)))
        self.assertEqual(len(self.blobs()), 9, "identical content is stored once")
        self.assertIn(": ok", self.ok("store", "fsck"))
        for version, digest in shared:
            out = self.path(f"out{version}")
            self.ok("model", "pull", f"shared:{version}", "-d", out)
            self.assertEqual("sha256:" + harness.sha256_file(os.path.join(out, os.listdir(out)[0])), digest)

    def test_first_use_by_many_processes_at_once(self):
        sources = [self.write(f"src/{i}.bin", f"model {i}") for i in range(8)]
        self.finish([self.start("model", "push", s, "--name", "m") for s in sources])
        self.assertEqual(len(json.loads(self.ok("model", "list", "-o", "json"))["items"]), 8)
        self.assertIn(": ok", self.ok("store", "fsck"))

    def test_gc_during_pushes_never_loses_a_blob(self):
        self.ok("init")
        sources = [self.write(f"src/{i}.bin", os.urandom(2 << 20)) for i in range(6)]
        self.ok("model", "push", self.write("doomed.bin", os.urandom(1 << 20)), "-n", "doomed")
        self.ok("model", "delete", "doomed")
        procs = []
        for s in sources:
            procs.append(self.start("model", "push", s, "--name", "m"))
            procs.append(self.start("store", "gc"))
        self.finish(procs)
        self.assertIn(": ok", self.ok("store", "fsck"))
        self.assertEqual(len(json.loads(self.ok("model", "list", "m", "-o", "json"))["items"]), 6)


if __name__ == "__main__":
    harness.main()
