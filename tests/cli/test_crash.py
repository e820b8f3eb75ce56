"""kill -9 during a push, at random instants: the store always passes fsck and shows no half model."""
import json
import os
import random
import signal
import subprocess
import time

import harness


class Crash(harness.MlopsTest):
    TRIALS = 20

    def test_kill_during_push(self):
        rng = random.Random(int(os.environ.get("MLOPS_CRASH_SEED", "20")))
        self.ok("init")
        big = self.write("big.bin", os.urandom(48 << 20))
        for i in range(40):
            self.write(f"tree/part-{i:02d}", os.urandom(rng.randrange(1, 1 << 20)))
        sources = {"file": (big,), "tree": (self.path("tree"),)}

        # How long an uninterrupted push takes here, so the kills spread over the whole push.
        start = time.monotonic()
        self.ok("model", "push", big, "-n", "calibrate")
        self.ok("model", "push", self.path("tree"), "-n", "calibrate")
        duration = (time.monotonic() - start) / 2
        self.ok("model", "delete", "calibrate")
        self.ok("store", "gc")

        killed = 0
        pushed = {"file": set(), "tree": []}  # what any push may have stored
        seen = set()
        for trial in range(self.TRIALS):
            kind = rng.choice(sorted(sources))
            # A fresh byte makes every push new content, so blobs are really written each time.
            if kind == "file":
                with open(big, "r+b") as f:
                    f.seek(rng.randrange(48 << 20))
                    f.write(bytes([trial]))
                pushed["file"].add("sha256:" + harness.sha256_file(big))
            else:
                self.write("tree/part-00", os.urandom(1000) + bytes([trial]))
                pushed["tree"].append(harness.tree_snapshot(self.path("tree")))
            p = subprocess.Popen([harness.BIN, "--store", self.store, "model", "push", sources[kind][0], "-n", kind],
                                 env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, duration * 1.2))
            p.send_signal(signal.SIGKILL)
            if p.wait() == -signal.SIGKILL:
                killed += 1

            fsck = self.run_mlops("store", "fsck")
            self.assertEqual(fsck.code, 0, f"trial {trial}: {fsck.out}")
            # Every version that became visible is whole: it pulls, verified, to exactly what was pushed.
            for item in json.loads(self.ok("model", "list", "-o", "json"))["items"]:
                ref = f"{item['name']}:{item['version']}"
                if ref in seen:
                    continue
                seen.add(ref)
                out = self.path(f"pulled-{trial}")
                self.ok("model", "pull", ref, "-d", out)
                if item["name"] == "file":
                    self.assertIn(item["digest"], pushed["file"])
                    self.assertEqual("sha256:" + harness.sha256_file(os.path.join(out, "big.bin")), item["digest"])
                else:
                    self.assertIn(harness.tree_snapshot(os.path.join(out, "tree")), pushed["tree"])
                subprocess.run(["rm", "-rf", out], check=True)
        self.assertGreater(killed, self.TRIALS // 4, "most pushes should have been interrupted")
        self.ok("store", "gc")
        self.assertRegex(self.ok("store", "fsck"), r": ok\n$")


if __name__ == "__main__":
    harness.main()
