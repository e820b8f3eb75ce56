"""The mlops pipeline SDK: report what a run does, standard library only.

Inside a run, mlops sets MLOPS_STATS to the run's stats channel and every call appends one JSON line
to it. Run by hand (no MLOPS_STATS), the same lines go to stdout, so a pipeline stays testable on
its own:

    import mlops_sdk as mlops
    mlops.metric("auc", 0.91)              # a metric of the model this run produces
    mlops.stat("rows", 1200)               # a gauge over time
    path = mlops.model_output_path()       # where to write the model (a file or a directory)
    model = mlops.model_input_path()       # the model that reached this node, or None
    mlops.alert("drift", "score 0.4 over 0.2")   # 'on: alert' nodes of the ION answer it

ML health: a training run describes each feature of its data with baseline(); the baseline goes
with the model it produces. A run that uses the model reports the same features with observe(),
binned on the baseline's edges, once per window (a batch of scored data); mlops scores each window
against the baseline (PSI, KS, JS distance, overlap) and raises the node's alert when a feature
drifts past its thresholds:

    mlops.baseline("amount", amounts)           # numbers: 10 equal bins between min and max
    mlops.baseline("country", countries)        # strings: counted by value; None and NaN: missing
    mlops.observe("amount", batch_amounts)      # in the inference run, per window

A service node (mode: service) keeps running while new models are hot-swapped in: call
current_model() at the start of each batch and use that path for the whole batch. mlops stages each
new model completely and switches one symlink, then sends SIGHUP to a service that imported this
module (which turns the signal into "the model changed" instead of dying of it), so a swap is seen
between batches, never in the middle of one.
"""
import json
import math
import os
import signal
import sys
import time

__all__ = ["metric", "stat", "table", "distribution", "baseline", "observe", "event", "alert", "model_output_path",
           "model_input_path", "current_model", "on_model_change", "model_changed", "arg"]

_callbacks = []
_last_model = None
_signalled = False


def _on_sighup(signum, frame):
    global _signalled
    _signalled = True


if os.environ.get("MLOPS_NODE_MODE") == "service":
    signal.signal(signal.SIGHUP, _on_sighup)
    # Tells mlops that this service handles SIGHUP; without it a swap sends no signal (it would kill).
    if os.environ.get("MLOPS_WORKSPACE"):
        open(os.path.join(os.path.dirname(os.environ["MLOPS_WORKSPACE"]), "sighup-ok"), "a").close()


def _emit(record):
    record["time"] = round(time.time(), 3)
    line = json.dumps(record, sort_keys=True, allow_nan=False)
    path = os.environ.get("MLOPS_STATS")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
    else:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def metric(name, value):
    """A metric of the model this run produces (policies gate on these)."""
    _emit({"type": "metric", "name": str(name), "value": _number(name, value)})


def stat(name, value, **labels):
    """A gauge or counter reading, with optional string labels."""
    _emit({"type": "stat", "name": str(name), "value": _number(name, value),
           "labels": {str(k): str(v) for k, v in labels.items()}})


def event(message, level="info"):
    """Something worth telling people; level is info, warning or error."""
    if level not in ("info", "warning", "error"):
        raise ValueError(f"level must be info, warning or error, not {level!r}")
    _emit({"type": "event", "level": level, "message": str(message)})


def table(name, rows):
    """A small table (a list of dicts with the same keys), e.g. a confusion matrix or top features."""
    rows = [{str(k): v for k, v in dict(r).items()} for r in rows]
    _emit({"type": "table", "name": str(name), "rows": rows})


def distribution(name, edges, counts, missing=0):
    """A feature distribution: counts per bin between consecutive edges, plus missing values."""
    edges = [_number("edge", e) for e in edges]
    counts = [_number("count", c) for c in counts]
    if len(edges) != len(counts) + 1 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError("distribution needs increasing edges, one more than counts")
    _emit({"type": "distribution", "name": str(name), "edges": edges, "counts": counts,
           "missing": _number("missing", missing)})


def _missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def _categorical(values):
    return any(isinstance(v, str) for v in values if not _missing(v))


def _bin(values, edges):
    """Counts per bin of `edges`; values outside them count in the first or last bin."""
    counts = [0] * (len(edges) - 1)
    missing = 0
    for v in values:
        if _missing(v):
            missing += 1
            continue
        lo, hi = 0, len(counts) - 1
        while lo < hi:  # the last bin whose left edge is <= v
            mid = (lo + hi + 1) // 2
            if edges[mid] <= v:
                lo = mid
            else:
                hi = mid - 1
        counts[lo] += 1
    return counts, missing


def _count_values(values, known=None):
    counts = {}
    missing = 0
    for v in values:
        if _missing(v):
            missing += 1
        else:
            counts[str(v)] = counts.get(str(v), 0) + 1
    names = sorted(counts) if known is None else list(known) + sorted(set(counts) - set(known))
    return names, [counts.get(n, 0) for n in names], missing


def baseline(name, values, bins=10, edges=None):
    """The distribution of a feature in the data this run trains on, kept with the model it produces.
    Numbers go into `bins` equal bins between their min and max (or on the given `edges`); strings
    are counted by value; None and NaN count as missing."""
    values = list(values)
    record = {"type": "distribution", "role": "baseline", "name": str(name)}
    if _categorical(values):
        record["values"], record["counts"], record["missing"] = _count_values(values)
    else:
        if edges is None:
            present = [_number(name, v) for v in values if not _missing(v)]
            if not present:
                raise ValueError(f"baseline {name!r} has no values")
            lo, hi = min(present), max(present)
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            edges = [lo + (hi - lo) * i / bins for i in range(bins)] + [hi]
        edges = [_number("edge", e) for e in edges]
        if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])):
            raise ValueError("edges must be at least two increasing numbers")
        record["edges"] = edges
        record["counts"], record["missing"] = _bin(values, edges)
    _emit(record)


_baselines = None


def _baseline_of(name):
    global _baselines
    if _baselines is None:
        _baselines = {}
        path = os.environ.get("MLOPS_BASELINE")
        if path and os.path.exists(path):
            with open(path) as f:
                _baselines = json.load(f).get("features", {})
    return _baselines.get(name)


_warned = set()


def observe(name, values):
    """One window of a feature in the data this run scores, binned like the model's baseline. Without
    a baseline for the feature (a model trained without one) it says so once on stderr and does nothing."""
    base = _baseline_of(str(name))
    if base is None:
        if name not in _warned:
            _warned.add(name)
            sys.stderr.write(f"mlops: no baseline for feature {name!r}: not observed\n")
        return
    values = list(values)
    record = {"type": "distribution", "role": "window", "name": str(name)}
    if "values" in base:
        record["values"], record["counts"], record["missing"] = _count_values(values, base["values"])
    else:
        record["edges"] = base["edges"]
        record["counts"], record["missing"] = _bin(values, base["edges"])
    _emit(record)


def alert(name, message, level="warning"):
    """Raise an alert; ION nodes scheduled 'on: alert' (for this name or any) start."""
    if level not in ("info", "warning", "error"):
        raise ValueError(f"level must be info, warning or error, not {level!r}")
    _emit({"type": "alert", "name": str(name), "level": level, "message": str(message)})


def model_output_path(default="model"):
    """Where a producing pipeline writes its model: a file or a directory created there."""
    return os.environ.get("MLOPS_MODEL_OUT", default)


def model_input_path():
    """The model that reached this node through the ION, or None outside a run or before one arrived."""
    return os.environ.get("MLOPS_MODEL_IN") or None


def current_model():
    """The model to use now: in a service, the latest one swapped in (resolved once, so keep using the
    returned path for the whole batch); elsewhere the same as model_input_path(). Calls the
    on_model_change callbacks when the model differs from the last call's."""
    global _last_model, _signalled, _baselines
    link = model_input_path()
    if link is None:
        return None
    path = os.path.realpath(link)
    _signalled = False
    if path != _last_model:
        changed = _last_model is not None
        _last_model = path
        _baselines = None  # the new model's baseline: mlops staged it with the model
        if changed:
            for callback in _callbacks:
                callback(path)
    return path


def on_model_change(callback):
    """callback(path) runs inside current_model() when a new model has been swapped in."""
    _callbacks.append(callback)


def model_changed():
    """True when mlops has signalled a swap since the last current_model() call."""
    return _signalled or (model_input_path() is not None and os.path.realpath(model_input_path()) != _last_model)


def arg(name, default=None, type=str):
    """A pipeline argument (MLOPS_ARG_<NAME>), converted with `type`."""
    value = os.environ.get("MLOPS_ARG_" + name.upper().replace("-", "_"))
    return default if value is None else type(value)
