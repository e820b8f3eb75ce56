"""tensorboard.live: tensorboardX writes event files in every scalar encoding while tb_dump (the C++
TensorBoardWatcher) polls the directory; every scalar must come out exactly once, exactly.

Runs under any python3; the writer half runs in the test venv named by MLOPS_TEST_PYTHON (made by
scripts/pyenv, which scripts/test runs), since it needs tensorboardX.
    MLOPS_TB_DUMP=path/to/tb_dump MLOPS_TEST_PYTHON=build/pyenv/bin/python python3 test_live.py
"""

import json
import os
import queue
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HINT = ("[create the venv with 'scripts/pyenv build/pyenv' and set MLOPS_TEST_PYTHON to the "
        "absolute path of build/pyenv/bin/python, or run scripts/test, which does both]")
BATCHES = 4
WAIT = 30  # seconds for one batch to show up; normally well under one


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def batch(k):
    """(tag, step, wall_time, value, encoding) of batch k; tags of train/ carry their prefix.
    Batch 2 is large so Python's buffered file reaches the disk mid-record at least once."""
    steps = range(k * 1000, k * 1000 + (400 if k == 2 else 3))
    out = []
    for step in steps:
        wall = 1.0e9 + step / 4
        out.append(("loss", step, wall, f32(1 / (step + 1)), "simple_value"))
        out.append(("tensor/float_val", step, wall, f32(step + 0.5), "float_val"))
        out.append(("tensor/double_val", step, wall, step / 3, "double_val"))
        out.append(("tensor/content_f32", step, wall, f32(step / 7), "content_f32"))
        out.append(("tensor/content_f64", step, wall, step / 7, "content_f64"))
        out.append(("train/epoch_loss", step, wall, f32(step * 0.25), "simple_value"))
    return out


def fail(message):
    print("tensorboard.live: error: " + message, file=sys.stderr)
    sys.exit(1)


def writer_main(logdir):
    """In the venv: writes batches as the controller asks on stdin, flushing after each."""
    sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
    sys.path.insert(0, HERE)
    import write_events
    from tensorboardX import SummaryWriter

    top = SummaryWriter(logdir, flush_secs=1)
    train = SummaryWriter(os.path.join(logdir, "train"), flush_secs=1)
    for line in sys.stdin:
        if line.strip() == "close":
            break
        k = int(line)
        for tag, step, wall, value, encoding in batch(k):
            if tag.startswith("train/"):
                train.add_scalar(tag[len("train/"):], value, step, walltime=wall)
            elif encoding == "simple_value":
                top.add_scalar(tag, value, step, walltime=wall)
            else:
                build = write_events.TENSOR_ENCODINGS[encoding]
                top._get_file_writer().add_summary(build(tag, value), step, walltime=wall)
        top.flush()
        train.flush()
        print("written", k, flush=True)
    top.close()
    train.close()


def lines_of(stream, into):
    for line in stream:
        into.put(line)
    into.put(None)


def main():
    python = os.environ.get("MLOPS_TEST_PYTHON", "")
    tb_dump = os.environ.get("MLOPS_TB_DUMP", "")
    if not python:
        fail("MLOPS_TEST_PYTHON is not set " + HINT)
    if not os.access(python, os.X_OK):
        fail(f"cannot run the test python '{python}' " + HINT)
    probe = subprocess.run([python, "-c", "import tensorboardX"], capture_output=True, text=True)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        fail(f"'{python}' cannot import tensorboardX: {last} " + HINT)
    if not os.access(tb_dump, os.X_OK):
        fail(f"cannot run tb_dump '{tb_dump}' (set MLOPS_TB_DUMP; ctest does)")

    with tempfile.TemporaryDirectory(prefix="mlops-tb-live-") as tmp:
        logdir, stop = os.path.join(tmp, "logs"), os.path.join(tmp, "stop")
        dump = subprocess.Popen([tb_dump, logdir, stop], stdout=subprocess.PIPE, text=True)
        dumped = queue.Queue()
        threading.Thread(target=lines_of, args=(dump.stdout, dumped), daemon=True).start()
        writer = subprocess.Popen([python, os.path.abspath(__file__), "--write", logdir],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        seen = []

        def take(line):
            if line is None:
                fail(f"tb_dump ended early with status {dump.wait()}")
            seen.append(json.loads(line))

        try:
            for k in range(BATCHES):
                writer.stdin.write(f"{k}\n")
                writer.stdin.flush()
                if writer.stdout.readline().split() != ["written", str(k)]:
                    fail(f"the tensorboardX writer failed in batch {k}")
                # The writer keeps its files open; tb_dump must see this batch before the next.
                want = {(t, s) for t, s, _, _, _ in batch(k)}
                deadline = time.time() + WAIT
                while not want <= {(x.get("tag"), x.get("step")) for x in seen}:
                    try:
                        take(dumped.get(timeout=max(0.0, deadline - time.time())))
                    except queue.Empty:
                        missing = sorted(want - {(x.get("tag"), x.get("step")) for x in seen})
                        fail(f"batch {k}: {len(missing)} scalars not read after {WAIT}s, first {missing[:3]}")
            writer.stdin.write("close\n")
            writer.stdin.close()
            if writer.wait(timeout=WAIT) != 0:
                fail("the tensorboardX writer failed closing its files")
            open(stop, "w").close()
            while (line := dumped.get(timeout=WAIT)) is not None:
                seen.append(json.loads(line))
            if dump.wait(timeout=WAIT) != 0:
                fail(f"tb_dump exited with status {dump.returncode}")
        finally:
            for p in (writer, dump):
                if p.poll() is None:
                    p.kill()

    end = seen.pop()
    if end != {"corrupt": 0, "errors": []}:
        fail(f"tb_dump ended with {end}")
    expected = sorted((t, s, w, v) for k in range(BATCHES) for t, s, w, v, _ in batch(k))
    got = sorted((x["tag"], x["step"], x["wall_time"], x["value"]) for x in seen)
    if got != expected:
        extra = [x for x in got if x not in expected][:3]
        missing = [x for x in expected if x not in got][:3]
        fail(f"{len(got)} scalars read, {len(expected)} written; extra {extra}, missing {missing}")
    print(f"tensorboard.live: {len(got)} scalars in 4 encodings read exactly once while being written")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        writer_main(sys.argv[2])
    else:
        main()
