"""engine: tensorflow for real: a pipeline writes TensorBoard events with tensorboardX (from the test
venv, through the pipeline's 'venv') in every scalar encoding, and they become stats of the run
while it runs, not only after."""
import json
import os
import shutil
import subprocess
import time
import unittest

import harness

PYTHON = os.environ.get("MLOPS_TEST_PYTHON", "")
HINT = ("the TensorBoard tests need the test venv: run 'scripts/pyenv build/pyenv' and set "
        "MLOPS_TEST_PYTHON to the absolute path of build/pyenv/bin/python (scripts/test does both)")

TRAIN = """import os, time
import mlops_sdk
from tensorboardX import SummaryWriter
import write_events as enc

# flush() returns before the writer thread has drained its queue; flush_secs makes it catch up.
writer = SummaryWriter(os.environ["MLOPS_TENSORBOARD_DIR"], flush_secs=1)
def write(steps):
    for step in steps:
        writer.add_scalar("loss", 1.0 / (step + 1), step)
        for name, make in enc.TENSOR_ENCODINGS.items():
            writer.file_writer.add_summary(make(name, step + 0.25), step)
    writer.flush()
write(range(0, 5))
while not os.path.exists("go"):  # the test looks at the stats meanwhile
    time.sleep(0.05)
write(range(5, 10))
writer.close()
mlops_sdk.metric("final_loss", 0.1)
open(mlops_sdk.model_output_path(), "w").write("weights")
"""


class TensorFlow(harness.MlopsTest):
    def setUp(self):
        super().setUp()
        if not PYTHON or not os.path.isabs(PYTHON) or not os.path.exists(PYTHON):
            self.fail(HINT)
        venv = os.path.dirname(os.path.dirname(PYTHON))
        self.write("tf/pipeline.yaml", "apiVersion: mlops/v1\nkind: Pipeline\nmetadata: {name: tb}\n"
                                       f"spec: {{engine: tensorflow, venv: '{venv}', produces: true, "
                                       "steps: [{name: fit, run: [python, train.py]}]}\n")
        self.write("tf/train.py", TRAIN)
        shutil.copy(os.path.join(harness.SOURCE_DIR, "tests", "tensorboard", "write_events.py"), self.path("tf"))
        self.write("tf.yaml", "apiVersion: mlops/v1\nkind: ION\nmetadata: {name: tf}\nspec: {nodes: [{name: fit, pipeline: tb}]}\n")
        self.ok("pipeline", "upload", self.path("tf"), "-q")
        self.ok("ion", "apply", "-f", self.path("tf.yaml"), "-q")

    def stats(self, run_id):
        return {s["name"]: s for s in json.loads(self.ok("run", "show", run_id, "-o", "json"))["stats"]}

    def test_scalars_in_every_encoding_become_stats_while_the_run_runs(self):
        runner = subprocess.Popen([harness.BIN, "--store", self.store, "ion", "run", "tf"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=self.env, cwd=self.tmp)
        try:
            run_id, seen = None, {}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                runs = json.loads(self.ok("run", "list", "-o", "json"))["items"]
                if runs:
                    run_id = runs[0]["id"]
                    seen = self.stats(run_id)
                    if len(seen) == 5 and all(s["points"] == 5 for s in seen.values()):
                        break
                time.sleep(0.1)
            self.assertEqual(json.loads(self.ok("run", "show", run_id, "-o", "json"))["status"], "running")
            self.assertEqual(sorted(seen), ["content_f32", "content_f64", "double_val", "float_val", "loss"])
            self.assertTrue(all(s["source"] == "tensorboard" and s["points"] == 5 for s in seen.values()), seen)
            open(os.path.join(self.store, "runs", run_id, "workspace", "go"), "w").close()
            out, err = runner.communicate(timeout=120)
        finally:
            if runner.poll() is None:
                runner.kill()
                runner.communicate()
        self.assertEqual(runner.returncode, 0, err)
        self.assertRegex(out, r"succeeded \(tf/fit: exit 0\) -> model/tf.fit:1")
        final = self.stats(run_id)
        self.assertEqual({n: s["points"] for n, s in final.items()},
                         {"content_f32": 10, "content_f64": 10, "double_val": 10, "float_val": 10, "loss": 10,
                          "final_loss": 1})
        self.assertEqual(final["content_f64"]["last"], 9.25)
        self.assertEqual(final["double_val"]["last"], 9.25)
        self.assertEqual(final["float_val"]["last"], 9.25)
        self.assertAlmostEqual(final["loss"]["last"], 0.1)
        self.assertEqual(final["final_loss"]["source"], "metric")
        self.assertEqual(json.loads(self.ok("model", "show", "tf.fit", "-o", "json"))["metrics"], {"final_loss": 0.1})


if __name__ == "__main__":
    unittest.main()
