#!/usr/bin/env bash
# Measures whole-engine throughput (borrower-days per second) and peak memory (max RSS) of a
# release build on a scenario (default: 1M borrowers × 360 days × 4 strategies).
# Usage: benchmarks/engine-throughput.sh [SCENARIO] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-benchmarks/scenarios/throughput-1m.yaml}"
runs="${2:-3}"
scripts/setup.sh
swift build -c release --product collectsim >/dev/null
out="$(mktemp -d)"
echo "scenario: $scenario   machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "%M" -o "$out/rss" .build/release/collectsim run "$scenario" --out "$out/run$i" --quiet > "$out/stdout"
  line=$(grep '^Simulated' "$out/stdout")
  rss_mib=$(awk '{printf "%.0f", $1/1024}' "$out/rss")
  echo "run $i: $line  peak RSS ${rss_mib} MiB"
done
rm -rf "$out"
