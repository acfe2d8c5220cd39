#!/usr/bin/env bash
# Times two collectsim binaries against each other on a VM whose speed drifts from minute to
# minute: both run at the same time, one per core, swapping cores each round, so drift hits
# both alike. Prints each round with B/A, then the best time of each, how many rounds B won and
# the median of the rounds' B/A: one slow core in one round can decide the best times, so
# the win count and the median are the steadier read.
#
# Usage: benchmarks/paired-timing.sh A B [ROUNDS] [POPULATION] [SCENARIO]
#   ROUNDS      default 4
#   POPULATION  default 100000 (one replication, one thread each)
#   SCENARIO    default benchmarks/scenarios/compare.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: benchmarks/paired-timing.sh A B [ROUNDS] [POPULATION] [SCENARIO]" >&2; exit 2; }
a="$1"; b="$2"; rounds="${3:-4}"; population="${4:-100000}"
scenario="${5:-benchmarks/scenarios/compare.yaml}"
[ "$(nproc)" -ge 2 ] || { echo "paired-timing.sh: needs two cores" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() {  # binary core name
  /usr/bin/time -f "%e" -o "$work/$3.time" taskset -c "$2" "$1" run "$scenario" --out "$work/$3" \
    --population "$population" --replications 1 --threads 1 --quiet --registry "$work/$3.sqlite" > /dev/null
}
best_a=""; best_b=""; ratios=""
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then core_a=0; core_b=1; else core_a=1; core_b=0; fi
  run "$a" "$core_a" a & run "$b" "$core_b" b & wait
  rm -rf "$work/a" "$work/b"
  ta=$(tail -1 "$work/a.time"); tb=$(tail -1 "$work/b.time")
  ratio=$(python3 -c "print(round($tb / $ta, 3))")
  ratios="$ratios $ratio"
  echo "round $i: A ${ta} s (core $core_a)   B ${tb} s (core $core_b)   B/A $ratio"
  best_a=$(python3 -c "print(min(x for x in [$ta, ${best_a:-$ta}]))")
  best_b=$(python3 -c "print(min(x for x in [$tb, ${best_b:-$tb}]))")
done
echo "best: A ${best_a} s   B ${best_b} s   B/A $(python3 -c "print(round($best_b / $best_a, 3))")"
python3 - $ratios <<'PY'
import statistics, sys
r = [float(x) for x in sys.argv[1:]]
print(f"B faster in {sum(x < 1 for x in r)} of {len(r)} rounds; median B/A {statistics.median(r):.3f}")
PY
