"""ML health end to end: the quickstart's inference data shifts, an alert fires within the window,
the alert edge starts retraining and 'health show' names the shifted feature first; and the scores
against independent computations (SciPy, from Debian's python3-scipy, for KS and JS)."""
import json
import os
import subprocess

import harness
from test_agent import Agent

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")
# Debian's interpreter, where python3-scipy installs (the tests' own python may be another).
SYSTEM_PYTHON = "/usr/bin/python3"


class Health(harness.MlopsTest):
    def quickstart(self, shift=None):
        with open(os.path.join(EXAMPLES, "ions", "quickstart.yaml")) as f:
            text = f.read()
        if shift is not None:
            text = text.replace("args: {threshold: 1.5}", f"args: {{threshold: 1.5, shift: {shift}}}")
            self.assertIn("shift", text)
        self.ok("ion", "apply", "-f", self.write("quickstart.yaml", text), "-q")

    def test_shifted_data_raises_drift_retrains_and_names_the_feature(self):
        for p in ("kmeans-train", "kmeans-infer"):
            self.ok("pipeline", "upload", os.path.join(EXAMPLES, "pipelines", p), "-q")
        self.quickstart()
        self.ok("ion", "run", "quickstart", "--once", "-q")  # train, gate, one healthy window
        self.assertEqual(json.loads(self.ok("alerts", "list", "-o", "json"))["items"], [])
        agent = Agent(self, "--ion", "quickstart")
        try:
            self.quickstart(shift=3)
            out = self.ok("ion", "run", "quickstart", "--node", "detect", "-o", "json")
            [window] = json.loads(out)["items"]
            # The window that saw the shift raised the alert itself.
            [alert] = json.loads(self.ok("alerts", "list", "-o", "json"))["items"]
            self.assertEqual((alert["source"], alert["name"], alert["run"], alert["node"]),
                             ("health", "drift", window["id"], "detect"))
            self.assertRegex(alert["message"], r"^feature 'x' \(psi [0-9.]+ over 0.25\) drifted from the baseline "
                                               r"of model quickstart.train:1$")
            # The agent answers it through the edge detect -> train (on: alert): retraining.
            agent.wait_for("alert drift from detect", timeout=20)
            agent.wait_for("(quickstart/train: exit 0)", timeout=60)
        finally:
            self.assertEqual(agent.stop(), 0)
        [node] = json.loads(self.ok("health", "show", "--ion", "quickstart", "--node", "detect", "-o", "json"))["items"]
        self.assertEqual([f["name"] for f in node["features"]][0], "x")
        x, y = node["features"]
        self.assertTrue(x["drift"])
        self.assertFalse(y["drift"])
        self.assertEqual(node["score"], 0.5)
        self.assertGreaterEqual(len(x["trend"]), 2)
        table = self.ok("health", "show", "--ion", "quickstart")
        self.assertRegex(table, r"(?m)^x +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +psi>0.25 +drift +\S+$")

    def test_scores_match_independent_computations(self):
        if not os.path.exists(SYSTEM_PYTHON) or subprocess.run([SYSTEM_PYTHON, "-c", "import scipy"]).returncode:
            self.fail("SciPy is missing: scripts/setup installs python3-scipy")
        # Integer samples on unit bins, so a histogram loses nothing and SciPy's two-sample KS on the
        # raw values must equal the binned one.
        import random
        rng = random.Random(5)
        train = [rng.choice(range(10)) for _ in range(500)] + [None] * 5
        seen = [min(9, max(0, int(rng.gauss(6, 2)))) for _ in range(300)] + [None] * 30
        colours = ["red"] * 50 + ["blue"] * 30 + ["green"] * 20
        seen_colours = ["red"] * 10 + ["blue"] * 40 + ["purple"] * 25
        data = self.write("data.json", json.dumps({"train": train, "seen": seen, "c": colours, "sc": seen_colours}))
        edges = [x - 0.5 for x in range(11)]
        self.write("t/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: t}\n"
                   "spec: {engine: python, produces: true, steps: [{name: s, run: [python3, t.py]}]}\n")
        self.write("t/t.py", "import json, mlops_sdk as m\n"
                   f"d = json.load(open({data!r}))\n"
                   f"m.baseline('n', d['train'], edges={edges!r})\nm.baseline('c', d['c'])\n"
                   "open(m.model_output_path(), 'w').write('model')\n")
        self.write("s/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: s}\n"
                   "spec: {engine: python, consumes: true, steps: [{name: s, run: [python3, s.py]}]}\n")
        self.write("s/s.py", "import json, mlops_sdk as m\n"
                   f"d = json.load(open({data!r}))\nm.observe('n', d['seen'])\nm.observe('c', d['sc'])\n")
        self.write("ref.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: ref}\nspec:\n  nodes:\n"
                   "    - {name: t, pipeline: t}\n    - {name: s, pipeline: s, health: {js: 0.99}}\n"
                   "  edges:\n    - {from: t, to: s}\n")
        for p in ("t", "s"):
            self.ok("pipeline", "upload", self.path(p), "-q")
        self.ok("ion", "apply", "-f", self.path("ref.yaml"), "-q")
        self.ok("ion", "run", "ref", "--once", "-q")
        [node] = json.loads(self.ok("health", "show", "--ion", "ref", "-o", "json"))["items"]
        got = {f["name"]: f for f in node["features"]}

        script = r"""
import json, sys
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp
d = json.load(open(sys.argv[1]))
a = [v for v in d["train"] if v is not None]
b = [v for v in d["seen"] if v is not None]
def shares(values, bins):
    counts = [sum(1 for v in values if v == x) for x in bins] + [sum(1 for v in values if v is None)]
    return [c / len(values) for c in counts]
p, q = shares(d["train"], range(10)), shares(d["seen"], range(10))
cats = ["blue", "green", "red", "purple"]
cp, cq = shares(d["c"], cats), shares(d["sc"], cats)
print(json.dumps({"ks": ks_2samp(a, b).statistic, "js": jensenshannon(p, q, base=2), "cjs": jensenshannon(cp, cq, base=2)}))
"""
        ref = json.loads(subprocess.run([SYSTEM_PYTHON, "-c", script, data], capture_output=True, text=True,
                                        check=True).stdout)
        self.assertAlmostEqual(got["n"]["ks"], ref["ks"], places=9)
        self.assertAlmostEqual(got["n"]["js"], ref["js"], places=9)
        self.assertAlmostEqual(got["c"]["js"], ref["cjs"], places=9)
        self.assertIsNone(got["c"]["ks"])
        # PSI and overlap by their definitions (scores.hpp), written out again here.
        import math

        def counts(values, bins):
            return [sum(1 for v in values if v == x) for x in bins] + [sum(1 for v in values if v is None)]

        def psi(p, q):
            kept = [(a or 0.5, b or 0.5) for a, b in zip(p, q) if a or b]
            sp, sq = sum(a for a, _ in kept), sum(b for _, b in kept)
            return sum((b / sq - a / sp) * math.log((b / sq) / (a / sp)) for a, b in kept)

        def overlap(p, q):
            return sum(min(a / sum(p), b / sum(q)) for a, b in zip(p, q))

        n_p, n_q = counts(train, range(10)), counts(seen, range(10))
        c_p, c_q = counts(colours, ["red", "blue", "green", "purple"]), counts(seen_colours, ["red", "blue", "green", "purple"])
        self.assertAlmostEqual(got["n"]["psi"], psi(n_p, n_q), places=9)
        self.assertAlmostEqual(got["c"]["psi"], psi(c_p, c_q), places=9)
        self.assertAlmostEqual(got["n"]["overlap"], overlap(n_p, n_q), places=9)
        self.assertAlmostEqual(got["c"]["overlap"], overlap(c_p, c_q), places=9)
        # Only JS is checked at this node, and nothing is that far apart.
        self.assertEqual(node["drifted"], 0)
        self.assertEqual(got["n"]["thresholds"], {"js": 0.99})


if __name__ == "__main__":
    harness.main()
