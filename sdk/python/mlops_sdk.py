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

__all__ = ["metric", "stat", "table", "distribution", "event", "alert", "model_output_path", "model_input_path",
           "current_model", "on_model_change", "model_changed", "arg"]

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
    global _last_model, _signalled
    link = model_input_path()
    if link is None:
        return None
    path = os.path.realpath(link)
    _signalled = False
    if path != _last_model:
        changed = _last_model is not None
        _last_model = path
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
