"""The manual documents every command and exactly the exit codes the code defines, and renders cleanly."""
import os
import re
import shutil
import subprocess

import harness
from test_help import commands

MANUAL = os.path.join(harness.SOURCE_DIR, "man", "mlops.1")
ERROR_HPP = os.path.join(harness.SOURCE_DIR, "lib", "util", "error.hpp")


class Manual(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        with open(MANUAL) as f:
            self.manual = f.read()

    def test_every_command_is_documented(self):
        for words in commands(self):
            if not words or not any(w for w in words):
                continue
            leaf_help = self.ok(*words, "--help", store=False)
            if "Subcommands:" in leaf_help:
                continue
            with self.subTest(command=" ".join(words)):
                pattern = r"^\.B[IR]? \"?" + re.escape(" ".join(words))
                self.assertTrue(re.search(pattern, self.manual, re.M), f"man/mlops.1 does not document {words}")

    def test_exit_codes_match_the_code(self):
        with open(ERROR_HPP) as f:
            code = dict((int(v), k) for k, v in re.findall(r"^\s+(\w+) = (\d+),", f.read(), re.M))
        section = self.manual.split(".SH EXIT STATUS")[1].split(".SH ")[0]
        documented = {int(c) for c in re.findall(r"^\.B (\d+)$", section, re.M)}
        reserved = {int(c) for c in re.findall(r"Codes? (\d+) ", section)}
        self.assertEqual(documented | reserved, set(code))
        self.assertIn("Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 integrity failure",
                      self.ok("--help", store=False))

    def test_renders_without_warnings(self):
        if shutil.which("groff") is None:
            self.fail("groff is needed (scripts/setup installs groff-base)")
        p = subprocess.run(["groff", "-ww", "-man", "-Tutf8", MANUAL], capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stderr), (0, ""))


if __name__ == "__main__":
    harness.main()
