#!/usr/bin/env bash
# Server and agents under load, on this machine: simulated agents heartbeating (assignment polls at
# a fixed rate, open loop) and sending stat points, against one 'mlops server run'; then the
# resident memory of an idle 'mlops agent run --config'. Prints Markdown for BENCHMARKS.md.
#
#   bench/fleet.sh build/cli/mlops [build/fleet_load]
set -euo pipefail
mlops=$(realpath "$1")
load=$(realpath "${2:-$(dirname "$1")/../fleet_load}")
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/config
store=$work/store
connections=${FLEET_CONNECTIONS:-8}
seconds=${FLEET_SECONDS:-10}

"$mlops" --store "$store" certs init --host 127.0.0.1 -q
"$mlops" --store "$store" server run --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(awk '{print $NF}' "$work/server.out")
token=$("$mlops" --store "$store" token create --role operator --name bench -q)
mkdir -p "$work/agents"
for i in $(seq "$connections"); do
  "$mlops" agent join --server "$url" --ca "$store/tls/ca.crt" --token "$token" --name "sim-$i" \
    --dir "$work/agents/sim-$i" -q
done

echo "| load | connections | requests/s | stat points/s | p50 | p99 |"
echo "| --- | --- | --- | --- | --- | --- |"
row() {
  python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print("| %s | %d | %.0f | %.0f | %.2f ms | %.2f ms |" % (sys.argv[1], r["connections"], r["requestsPerSecond"],
      r["pointsPerSecond"], r["p50Ms"], r["p99Ms"]))' "$1"
}
for rate in ${FLEET_RATES:-2000 5000 8000}; do
  "$load" heartbeat "$url" "$store/tls/ca.crt" "$work/agents" "$connections" "$seconds" "$rate" | row "heartbeats at $rate/s"
done
# As 'mlops agent run' polls: a new connection, so a TLS handshake with a client certificate, each time.
for rate in ${FLEET_HANDSHAKE_RATES:-500 1000 2000}; do
  "$load" handshake "$url" "$store/tls/ca.crt" "$work/agents" "$connections" "$seconds" "$rate" | row "polls on new connections at $rate/s"
done
for batch in ${FLEET_BATCHES:-1000 5000}; do
  "$load" stats "$url" "$store/tls/ca.crt" "$work/agents" "$connections" "$seconds" "$batch" | row "stat batches of $batch"
done
echo
echo "server: $(grep -E 'VmHWM' /proc/$server/status | tr -s ' ')"

# An idle agent: joined, nothing assigned, polling every 5 s.
cat >"$work/agents/sim-1/agent.yaml" <<YAML
apiVersion: mlops/v1
kind: AgentConfig
name: sim-1
server: $url
credentials: .
dataDir: data
YAML
"$mlops" agent run --config "$work/agents/sim-1/agent.yaml" >"$work/agent.out" 2>&1 &
agent=$!
sleep "${FLEET_IDLE_SECONDS:-30}"
echo "idle agent after ${FLEET_IDLE_SECONDS:-30} s: $(grep -E 'VmRSS' /proc/$agent/status | tr -s ' '), $(grep -E 'VmHWM' /proc/$agent/status | tr -s ' ')"
