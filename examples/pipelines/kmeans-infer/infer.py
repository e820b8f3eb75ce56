"""Score a batch of points against a KMeans model: points farther than threshold x radius from every
centre are anomalies. The model comes from $MLOPS_MODEL_IN (default: model.json).

The batch is drawn like the training data; the shift argument moves it along x, as a sensor that
drifted would, which ML health notices (each batch is one window of features x and y)."""
import json
import math
import random

import mlops_sdk as mlops


def synthetic(n, seed):
    """Points like kmeans-train's (its own bundle holds that copy): three Gaussian clusters."""
    rng = random.Random(seed)
    centres = [(0.0, 0.0), (5.0, 5.0), (0.0, 6.0)]
    return [(cx + rng.gauss(0, 0.7), cy + rng.gauss(0, 0.7)) for cx, cy in (rng.choice(centres) for _ in range(n))]


def main():
    with open(mlops.model_input_path() or "model.json") as f:
        model = json.load(f)
    batch = mlops.arg("batch", 200, int)
    threshold = mlops.arg("threshold", 1.0, float)
    shift = mlops.arg("shift", 0.0, float)
    points = [(x + shift, y) for x, y in synthetic(batch, random.randrange(1 << 30))]
    mlops.observe("x", [p[0] for p in points])
    mlops.observe("y", [p[1] for p in points])
    limit = threshold * model["radius"]
    anomalies = sum(1 for p in points if min(math.dist(p, c) for c in model["centres"]) > limit)
    print(f"scored {batch} points: {anomalies} anomalies ({anomalies / batch:.1%})")
    mlops.stat("scored", batch)
    mlops.stat("anomalies", anomalies)
    if anomalies / batch > 0.5:
        mlops.event(f"{anomalies} of {batch} points are anomalies", level="warning")


if __name__ == "__main__":
    main()
