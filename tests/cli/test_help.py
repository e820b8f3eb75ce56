"""Every command answers -h; help text is pinned by golden files (MLOPS_UPDATE_GOLDEN=1 rewrites)."""
import re

import harness


def commands(test, words=()):
    """Walk the command tree through the help output itself."""
    out = test.ok(*words, "--help", store=False)
    subs = re.findall(r"^  ([a-z][a-z-]*)\s", out.split("Subcommands:")[1], re.M) if "Subcommands:" in out else []
    found = [words]
    for sub in subs:
        found += commands(test, words + (sub,))
    return found


class Help(harness.MlopsTest):
    def test_every_command_answers_help_and_matches_golden(self):
        found = commands(self)
        self.assertIn(("model", "push"), found)
        self.assertIn(("store", "fsck"), found)
        for words in found:
            with self.subTest(command=" ".join(words)):
                out = self.ok(*words, "-h", store=False)
                self.assertIn("Usage: mlops " + " ".join(words), out)
                self.golden("help/" + ("-".join(("mlops",) + words)) + ".txt", out)


if __name__ == "__main__":
    harness.main()
