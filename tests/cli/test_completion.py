"""The bash completion script completes commands, flags and model names in a real bash."""
import os
import shutil
import subprocess

import harness

SCRIPT = os.path.join(harness.SOURCE_DIR, "completions", "mlops.bash")


class BashCompletion(harness.MlopsTest):
    def complete(self, line):
        words = line.split(" ")
        quoted = " ".join("'" + w + "'" for w in words)
        program = f"source {SCRIPT}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _mlops; " \
                  "printf '%s\\n' \"${COMPREPLY[@]}\""
        env = dict(self.env, PATH=os.path.dirname(harness.BIN) + ":" + self.env["PATH"], MLOPS_STORE=self.store)
        p = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted(x for x in p.stdout.splitlines() if x)

    def test_commands_flags_and_names(self):
        self.assertIsNotNone(shutil.which("bash"))
        self.assertEqual(self.complete("mlops mo"), ["model"])
        self.assertEqual(self.complete("mlops model pu"), ["pull", "push"])
        self.assertEqual(self.complete("mlops model p"), ["pending", "pull", "push"])
        self.assertEqual(self.complete("mlops store "), ["du", "fsck", "gc"])
        self.assertEqual(self.complete("mlops -o y"), ["yaml"])
        self.assertIn("--metric", self.complete("mlops model push --m"))
        self.ok("model", "push", self.write("m.bin", "x"), "-n", "churn")
        self.ok("model", "push", self.write("m.bin", "y"), "-n", "churn")
        self.assertEqual(self.complete("mlops model show ch"), ["churn", "churn:1", "churn:2"])
        self.assertEqual(self.complete("mlops ion g"), ["get", "graph"])
        self.assertEqual(self.complete("mlops ion graph x --format m"), ["mermaid"])
        self.assertEqual(self.complete("mlops a"), ["agent"])
        self.assertIn("--on-stop", self.complete("mlops agent run --"))
        self.assertEqual(self.complete("mlops agent run --local --on-stop f"), ["finish"])
        self.assertEqual(self.complete("mlops run c"), ["cancel"])
        self.assertEqual(self.complete("mlops model r"), ["reject", "rollback"])
        self.assertIn("--to", self.complete("mlops model rollback --"))


if __name__ == "__main__":
    harness.main()
