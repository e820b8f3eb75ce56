"""The mlops pipeline SDK: report what a run does, standard library only.

Inside a run, mlops sets MLOPS_STATS to the run's stats channel and every call appends one JSON line
to it. Run by hand (no MLOPS_STATS), the same lines go to stdout, so a pipeline stays testable on
its own:

    import mlops_sdk as mlops
    mlops.metric("auc", 0.91)              # a metric of the model this run produces
    mlops.stat("rows", 1200)               # a gauge over time
    path = mlops.model_output_path()       # where to write the model (a file or a directory)
    model = mlops.model_input_path()       # the model that reached this node, or None
"""
import json
import math
import os
import sys
import time

__all__ = ["metric", "stat", "event", "model_output_path", "model_input_path", "arg"]


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


def model_output_path(default="model"):
    """Where a producing pipeline writes its model: a file or a directory created there."""
    return os.environ.get("MLOPS_MODEL_OUT", default)


def model_input_path():
    """The model that reached this node through the ION, or None outside a run or before one arrived."""
    return os.environ.get("MLOPS_MODEL_IN") or None


def arg(name, default=None, type=str):
    """A pipeline argument (MLOPS_ARG_<NAME>), converted with `type`."""
    value = os.environ.get("MLOPS_ARG_" + name.upper().replace("-", "_"))
    return default if value is None else type(value)
