"""Train KMeans (Lloyd's algorithm, standard library only) and write the model as JSON.

Outside mlops, run it with PYTHONPATH=sdk/python: the SDK then prints its records as JSON lines.
"""
import json
import math
import random

import mlops_sdk as mlops


def synthetic(n, seed):
    rng = random.Random(seed)
    centres = [(0.0, 0.0), (5.0, 5.0), (0.0, 6.0)]
    return [(cx + rng.gauss(0, 0.7), cy + rng.gauss(0, 0.7)) for cx, cy in (rng.choice(centres) for _ in range(n))]


def kmeans(points, k, seed, rounds=50):
    rng = random.Random(seed)
    centres = rng.sample(points, k)
    for _ in range(rounds):
        groups = [[] for _ in centres]
        for p in points:
            groups[min(range(k), key=lambda i: math.dist(p, centres[i]))].append(p)
        moved = [tuple(sum(c) / len(g) for c in zip(*g)) if g else centres[i] for i, g in enumerate(groups)]
        if moved == centres:
            break
        centres = moved
    inertia = sum(min(math.dist(p, c) ** 2 for c in centres) for p in points)
    return centres, inertia


def main():
    k, n, seed = mlops.arg("k", 3, int), mlops.arg("points", 600, int), mlops.arg("seed", 7, int)
    points = synthetic(n, seed)
    centres, inertia = kmeans(points, k, seed)
    radius = max(min(math.dist(p, c) for c in centres) for p in points)
    model = {"kind": "kmeans", "k": k, "centres": centres, "radius": radius, "inertia": inertia}
    out = mlops.model_output_path("model.json")
    with open(out, "w") as f:
        json.dump(model, f)
    mlops.metric("inertia", inertia)
    mlops.metric("radius", radius)
    # What the data looked like: inference compares its windows with these (ML health).
    mlops.baseline("x", [p[0] for p in points])
    mlops.baseline("y", [p[1] for p in points])
    print(f"trained k={k} on {n} points: inertia {inertia:.1f}, radius {radius:.2f} -> {out}")


if __name__ == "__main__":
    main()
