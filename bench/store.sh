#!/usr/bin/env bash
# Store benchmarks, measured side by side in one run so the ratios hold on a noisy machine:
#   1. push and pull of a 1 GiB file against sha256sum (and openssl) of the same file;
#   2. 'mlops model list' over 10,000 versions, and 'mlops --version'.
# Writes BENCHMARKS.md. Usage: bench/store.sh [path/to/mlops]   (or: make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mlops=$(realpath "${1:-build/cli/mlops}")
work=$(realpath -m "${BENCH_DIR:-build/bench}")
runs=${BENCH_RUNS:-5}
rm -rf "$work" && mkdir -p "$work"
cd "$work"

echo "bench: writing a 1 GiB file" >&2
head -c $((1 << 30)) /dev/urandom > big.bin

echo "bench: push and pull against sha256sum" >&2
# Each push starts from an empty store so it really writes and fsyncs the whole GiB.
hyperfine --runs "$runs" --warmup 1 --export-json transfer.json --export-markdown transfer.md \
  --prepare true --prepare true \
  --prepare "rm -rf store && $mlops --store store init -q" \
  --prepare "rm -rf out && ( [ -d store ] || $mlops --store store model push big.bin --name big -q )" \
  -n "sha256sum" "sha256sum big.bin" \
  -n "openssl dgst -sha256" "openssl dgst -sha256 big.bin" \
  -n "mlops model push" "$mlops --store store model push big.bin --name big -q" \
  -n "mlops model pull" "$mlops --store store model pull big -d out -q"

echo "bench: filling a store with 10,000 versions (100 models x 100)" >&2
start=$(date +%s)
for i in $(seq 1 10000); do
  echo "$i" > small.bin
  "$mlops" --store many model push small.bin --name "model-$((i % 100))" --metric "auc=0.$i" -q
done
fill_seconds=$(($(date +%s) - start))

hyperfine --runs 30 --warmup 3 -N --export-json latency.json --export-markdown latency.md \
  -n "mlops model list (10,000 versions)" "$mlops --store many model list" \
  -n "mlops model list -o json (10,000 versions)" "$mlops --store many model list -o json" \
  -n "mlops model show model-7:50" "$mlops --store many model show model-7:50" \
  -n "mlops --version" "$mlops --version" >/dev/null

python3 - "$fill_seconds" "$root/BENCHMARKS.md" <<'PY'
import json, os, platform, subprocess, sys

def means(path):
    return {r["command"]: r for r in json.load(open(path))["results"]}

t, l = means("transfer.json"), means("latency.json")
size = 1 << 30
def rate(name): return size / t[name]["mean"] / (1 << 20)
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
push_ratio = t["sha256sum"]["mean"] / t["mlops model push"]["mean"]
pull_vs_push = t["mlops model push"]["mean"] / t["mlops model pull"]["mean"]
med = lambda name: l[name]["median"] * 1000
lines = [
    "# Benchmarks",
    "",
    "Produced by `make bench` (which runs `bench/store.sh build/cli/mlops`); every figure below comes",
    "from one run, measured side by side, so compare the ratios rather than the absolute times.",
    "",
    f"Machine: {os.cpu_count()} cores, {cpu}, {platform.system()}.",
    "",
    "## Push and pull of a 1 GiB file",
    "",
    "Goal: push at least 2x the throughput of `sha256sum` on the same file; pull at least as fast as push.",
    "Each push starts from an empty store, so it writes, fsyncs and renames the whole GiB.",
    "",
    "| command | mean | MiB/s |",
    "| --- | --- | --- |",
]
for name in ("sha256sum", "openssl dgst -sha256", "mlops model push", "mlops model pull"):
    lines.append(f"| `{name}` | {t[name]['mean']:.2f} s ± {t[name]['stddev']:.2f} | {rate(name):.0f} |")
lines += [
    "",
    f"- push throughput / sha256sum throughput: **{push_ratio:.2f}x** (goal: at least 2x)",
    f"- pull throughput / push throughput: **{pull_vs_push:.2f}x** (goal: at least 1x)",
    "",
    "## Latency",
    "",
    f"A store with 10,000 versions (100 models x 100 versions; filling it with 10,000 separate",
    f"`mlops model push` processes took {sys.argv[1]} s). Median wall time over 30 runs:",
    "",
    "| command | median |",
    "| --- | --- |",
]
for name in l:
    lines.append(f"| `{name}` | {med(name):.1f} ms |")
lines += ["", "Raw hyperfine tables:", "", open("transfer.md").read(), open("latency.md").read()]
open(sys.argv[2], "w").write("\n".join(lines))
print("\n".join(lines))
PY
