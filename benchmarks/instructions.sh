#!/usr/bin/env bash
# Counts the instructions a run of collectsim executes (valgrind's cachegrind), which unlike
# wall time does not drift with the VM's load: the measure to compare two builds of the engine by.
# Prints the total and the engine's costliest functions.
#
# Usage: benchmarks/instructions.sh [BINARY] [SCENARIO] [POPULATION]
#   BINARY      a collectsim binary (default: build .build/release/collectsim)
#   SCENARIO    default: benchmarks/scenarios/compare.yaml (four strategies, 360 days)
#   POPULATION  default: 10000 (one replication, one thread)
#
# Valgrind cannot read the debug information Swift writes, so the binary is measured through a
# copy with its debug sections stripped (function names are kept). Start-up, parameter tables
# and reports are included in the total: about 2 G instructions on compare.yaml, whatever the
# population.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-}"
scenario="${2:-benchmarks/scenarios/compare.yaml}"
population="${3:-10000}"
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
if [ -z "$binary" ]; then
  scripts/setup.sh
  swift build -c release --product collectsim >/dev/null
  binary=.build/release/collectsim
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
strip --strip-debug -o "$work/collectsim" "$binary"
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/cg.out" \
  "$work/collectsim" run "$scenario" --out "$work/run" --population "$population" --replications 1 \
  --threads 1 --quiet --registry "$work/registry.sqlite" > /dev/null 2> "$work/valgrind.log"
total=$(grep -E "I +refs" "$work/valgrind.log" | awk '{print $NF}')
echo "scenario: $scenario   population: $population   one replication, one thread"
echo "instructions: $total"
echo "costliest engine functions:"
cg_annotate "$work/cg.out" 2>/dev/null | grep -E "CollectionsModel|Stochastics|__ieee754|expm1|log1p" | head -12 \
  | sed -E 's/\$s[0-9]+CollectionsModel[0-9]+//; s/\$s[0-9]+Stochastics[0-9]+//' | cut -c1-110
