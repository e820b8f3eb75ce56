"""The SDK writes one JSON line per call: to MLOPS_STATS in a run, to stdout outside one."""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mlops_sdk as mlops  # noqa: E402


class Sdk(unittest.TestCase):
    def setUp(self):
        self.saved = dict(os.environ)
        for k in list(os.environ):
            if k.startswith("MLOPS_"):
                del os.environ[k]

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.saved)

    def test_outside_a_run_lines_go_to_stdout(self):
        out = io.StringIO()
        with redirect_stdout(out):
            mlops.metric("auc", 0.91)
            mlops.stat("rows", 12, split="train")
        lines = [json.loads(l) for l in out.getvalue().splitlines()]
        self.assertEqual([(l["type"], l["name"], l["value"]) for l in lines], [("metric", "auc", 0.91), ("stat", "rows", 12)])
        self.assertEqual(lines[1]["labels"], {"split": "train"})

    def test_inside_a_run_lines_go_to_the_stats_channel(self):
        with tempfile.TemporaryDirectory() as d:
            os.environ["MLOPS_STATS"] = os.path.join(d, "stats.jsonl")
            mlops.metric("inertia", 512.5)
            mlops.event("done")
            lines = [json.loads(l) for l in open(os.environ["MLOPS_STATS"])]
        self.assertEqual([l["type"] for l in lines], ["metric", "event"])

    def test_bad_values_are_refused_before_anything_is_written(self):
        out = io.StringIO()
        with redirect_stdout(out):
            for bad in (float("nan"), float("inf"), "0.9", True, None):
                with self.assertRaises(ValueError):
                    mlops.metric("auc", bad)
            with self.assertRaises(ValueError):
                mlops.event("x", level="fatal")
        self.assertEqual(out.getvalue(), "")

    def test_paths_and_args(self):
        self.assertIsNone(mlops.model_input_path())
        self.assertEqual(mlops.model_output_path(), "model")
        os.environ["MLOPS_MODEL_OUT"] = "/runs/r1/model-out/model"
        os.environ["MLOPS_ARG_LEARNING_RATE"] = "0.5"
        self.assertEqual(mlops.model_output_path(), "/runs/r1/model-out/model")
        self.assertEqual(mlops.arg("learning-rate", type=float), 0.5)
        self.assertEqual(mlops.arg("missing", default=3), 3)


    def test_tables_distributions_and_alerts(self):
        out = io.StringIO()
        with redirect_stdout(out):
            mlops.table("confusion", [{"label": "a", "n": 3}])
            mlops.distribution("x", [0, 1, 2], [5, 7], missing=1)
            mlops.alert("drift", "psi 0.4")
        lines = [json.loads(l) for l in out.getvalue().splitlines()]
        self.assertEqual([l["type"] for l in lines], ["table", "distribution", "alert"])
        self.assertEqual(lines[1]["counts"], [5, 7])
        self.assertEqual((lines[2]["name"], lines[2]["level"]), ("drift", "warning"))
        with self.assertRaises(ValueError):
            mlops.distribution("x", [0, 0], [1])
        with self.assertRaises(ValueError):
            mlops.alert("drift", "x", level="loud")

    def test_current_model_follows_the_symlink_and_calls_back_on_change(self):
        with tempfile.TemporaryDirectory() as d:
            for v in ("v1", "v2"):
                open(os.path.join(d, v), "w").close()
            link = os.path.join(d, "current")
            os.symlink("v1", link)
            os.environ["MLOPS_MODEL_IN"] = link
            seen = []
            mlops._last_model = None
            mlops.on_model_change(seen.append)
            self.assertEqual(mlops.current_model(), os.path.join(d, "v1"))
            self.assertFalse(mlops.model_changed())
            os.symlink("v2", link + ".new")
            os.rename(link + ".new", link)
            self.assertTrue(mlops.model_changed())
            self.assertEqual(mlops.current_model(), os.path.join(d, "v2"))
            self.assertEqual(seen, [os.path.join(d, "v2")])
            mlops._callbacks.clear()

    def lines_of(self, calls):
        out = io.StringIO()
        with redirect_stdout(out):
            calls()
        return [json.loads(l) for l in out.getvalue().splitlines()]

    def test_a_baseline_bins_numbers_on_equal_edges_and_counts_strings(self):
        lines = self.lines_of(lambda: (mlops.baseline("x", [0, 1, 2, 3, 4, None, float("nan")], bins=4),
                                       mlops.baseline("c", ["b", "a", "b", None]),
                                       mlops.baseline("k", [7, 7])))
        self.assertEqual(lines[0]["role"], "baseline")
        self.assertEqual(lines[0]["edges"], [0, 1, 2, 3, 4])
        self.assertEqual(lines[0]["counts"], [1, 1, 1, 2])  # the top value lands in the last bin
        self.assertEqual(lines[0]["missing"], 2)
        self.assertEqual((lines[1]["values"], lines[1]["counts"], lines[1]["missing"]), (["a", "b"], [1, 2], 1))
        self.assertEqual(lines[2]["edges"][0], 6.5)  # one value: a bin around it
        with self.assertRaises(ValueError):
            mlops.baseline("x", [1, 2], edges=[2, 1])

    def test_a_window_is_binned_on_the_baseline_of_the_model_in_use(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "baseline.json")
            with open(path, "w") as f:
                json.dump({"features": {"x": {"name": "x", "edges": [0, 1, 2], "counts": [5, 5], "missing": 0},
                                        "c": {"name": "c", "values": ["a", "b"], "counts": [1, 1], "missing": 0}}}, f)
            os.environ["MLOPS_BASELINE"] = path
            mlops._baselines = None
            err = io.StringIO()
            with redirect_stderr(err):
                lines = self.lines_of(lambda: (mlops.observe("x", [-3, 0.5, 1, 9, None]),
                                               mlops.observe("c", ["z", "b"]), mlops.observe("y", [1]),
                                               mlops.observe("y", [2])))
            mlops._baselines = None
        self.assertEqual(len(lines), 2)
        self.assertEqual((lines[0]["role"], lines[0]["edges"], lines[0]["counts"], lines[0]["missing"]),
                         ("window", [0, 1, 2], [2, 2], 1))  # outside the edges: the outer bins
        self.assertEqual((lines[1]["values"], lines[1]["counts"]), (["a", "b", "z"], [0, 1, 1]))
        self.assertEqual(err.getvalue(), "mlops: no baseline for feature 'y': not observed\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
