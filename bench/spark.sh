#!/usr/bin/env bash
# What watching a Spark job costs: wall time of 'mlops ion run' (spark-submit with the event log,
# the mlops listener, the REST poller and stats collection) against a bare spark-submit of the same
# PySpark job, interleaved pair by pair in one run so drift on a noisy machine hits both alike.
# Writes the "Spark monitoring overhead" section of BENCHMARKS.md.
# Usage: bench/spark.sh [path/to/mlops]   (needs the test venv: scripts/pyenv build/pyenv)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mlops=$(realpath "${1:-build/cli/mlops}")
venv=$(realpath "${BENCH_VENV:-build/pyenv}")
work=$(realpath -m "${BENCH_DIR:-build/bench-spark}")
pairs=${BENCH_PAIRS:-3}
rows=${BENCH_ROWS:-20000000}
[[ -x "$venv/bin/spark-submit" ]] || { echo "bench: no spark-submit in $venv (run scripts/pyenv build/pyenv)" >&2; exit 1; }
export PATH="$venv/bin:$PATH"
rm -rf "$work" && mkdir -p "$work/job" && cd "$work"
export MLOPS_STORE="$work/store"

cat > job/job.py <<'PY'
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.appName("bench").getOrCreate()
import sys
df = spark.range(int(sys.argv[1])).withColumn("k", F.col("id") % 97).withColumn("v", F.rand(seed=1))
for _ in range(4):
    df.groupBy("k").agg(F.avg("v"), F.count("*")).collect()
spark.stop()
PY
cat > job/pipeline.yaml <<YAML
apiVersion: mlops/v1
kind: Pipeline
metadata: {name: bench}
spec: {engine: spark, steps: [{name: job, spark: {app: job.py, args: ["$rows"]}}]}
YAML
cat > ion.yaml <<'YAML'
apiVersion: mlops/v1
kind: ION
metadata: {name: bench}
spec: {nodes: [{name: job, pipeline: bench, spark: {master: "local[2]"}}]}
YAML
"$mlops" pipeline upload job -q && "$mlops" ion apply -f ion.yaml -q
# One warm-up of each: the JVM's page cache, and the listener jar built once.
spark-submit --master 'local[2]' job/job.py "$rows" > /dev/null 2>&1
"$mlops" ion run bench -q

now() { date +%s.%N; }
: > times.txt
for i in $(seq 1 "$pairs"); do
  echo "bench: pair $i of $pairs" >&2
  t0=$(now); (cd job && spark-submit --master 'local[2]' job.py "$rows" > /dev/null 2>&1); t1=$(now)
  "$mlops" ion run bench -q; t2=$(now)
  echo "$t0 $t1 $t2" >> times.txt
done

python3 - "$root/BENCHMARKS.md" "$pairs" "$rows" <<'PY'
import re, statistics, subprocess, sys
path, pairs, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bare, watched = [], []
for line in open("times.txt"):
    t0, t1, t2 = map(float, line.split())
    bare.append(t1 - t0)
    watched.append(t2 - t1)
ratio = statistics.mean(watched) / statistics.mean(bare)
spark = subprocess.run(["spark-submit", "--version"], capture_output=True, text=True).stderr
version = re.search(r"version (\d+\.\d+\.\d+)", spark)
section = f"""## Spark monitoring overhead

Goal: a monitored Spark run costs at most 5% more wall time than a bare `spark-submit` of the same
job. The job: PySpark, `local[2]`, 4 aggregations over {rows / 1e6:g} million rows (Spark {version.group(1) if version else "?"}).
The monitored run is `mlops ion run`: spark-submit with the event log, the mlops listener, the
driver REST API polled every second, and stats recorded. {pairs} pairs, interleaved, after one
warm-up of each.

| command | mean | min | max |
| --- | --- | --- | --- |
| bare `spark-submit` | {statistics.mean(bare):.2f} s | {min(bare):.2f} s | {max(bare):.2f} s |
| `mlops ion run` | {statistics.mean(watched):.2f} s | {min(watched):.2f} s | {max(watched):.2f} s |

- monitored / bare wall time: **{ratio:.3f}** ({(ratio - 1) * 100:+.1f}%; goal: at most +5%)

Produced by `bench/spark.sh build/cli/mlops` (also run by `make bench`).
"""
text = open(path).read()
start = text.find("## Spark monitoring overhead")
if start >= 0:
    end = text.find("\n## ", start + 1)
    text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
print(section)
PY
