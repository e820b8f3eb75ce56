"""Score a batch of points against a KMeans model: points farther than threshold x radius from every
centre are anomalies. The model comes from $MLOPS_MODEL_IN (default: model.json)."""
import json
import math
import random

import mlops_sdk as mlops


def main():
    with open(mlops.model_input_path() or "model.json") as f:
        model = json.load(f)
    batch = mlops.arg("batch", 200, int)
    threshold = mlops.arg("threshold", 1.0, float)
    rng = random.Random()
    points = [(rng.uniform(-3, 8), rng.uniform(-3, 9)) for _ in range(batch)]
    limit = threshold * model["radius"]
    anomalies = sum(1 for p in points if min(math.dist(p, c) for c in model["centres"]) > limit)
    print(f"scored {batch} points: {anomalies} anomalies ({anomalies / batch:.1%})")
    mlops.stat("scored", batch)
    mlops.stat("anomalies", anomalies)
    if anomalies / batch > 0.5:
        mlops.event(f"{anomalies} of {batch} points are anomalies", level="warning")


if __name__ == "__main__":
    main()
