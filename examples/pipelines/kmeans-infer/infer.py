"""Score a batch of points against a KMeans model: points farther than threshold x radius from every
centre are anomalies. The model comes from $MLOPS_MODEL_IN (default: model.json)."""
import json
import math
import os
import random


def main():
    with open(os.environ.get("MLOPS_MODEL_IN", "model.json")) as f:
        model = json.load(f)
    batch = int(os.environ.get("MLOPS_ARG_BATCH", 200))
    threshold = float(os.environ.get("MLOPS_ARG_THRESHOLD", 1.0))
    rng = random.Random()
    points = [(rng.uniform(-3, 8), rng.uniform(-3, 9)) for _ in range(batch)]
    limit = threshold * model["radius"]
    anomalies = sum(1 for p in points if min(math.dist(p, c) for c in model["centres"]) > limit)
    print(f"scored {batch} points: {anomalies} anomalies ({anomalies / batch:.1%})")


if __name__ == "__main__":
    main()
