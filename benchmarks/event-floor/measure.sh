#!/usr/bin/env bash
# The event floor of a scenario (issue 25): how many events of each kind the engine meets, times
# the least work each kind needs, against what the engine spends, all in instructions per
# borrower-day (valgrind's cachegrind: exact, and unmoved by the machine's load).
#
#   1. counts: the engine's events by kind on SCENARIO (one replication, POPULATION accounts, one
#      thread), from a build with -DCOLLECTSIM_EVENTS (its own scratch folder);
#   2. unit costs: each minimal kernel of Sources/event-floor/main.swift at E and 2E events, the
#      difference over E (start-up cancels out);
#   3. the engine: collectsim on SCENARIO at POPULATION and 2·POPULATION accounts, the difference
#      over the added borrower-days (start-up, tables and reports cancel out);
#   4. the floor: open days × an open day's cost + contacts + collector waits + clock events +
#      dated events, each times its cost, + a rule choice at each dated or clock event (the only
#      times the state a rule reads can change: a lower bound on the re-evaluations needed).
#
# Usage: benchmarks/event-floor/measure.sh [SCENARIO] [POPULATION]
#   default: benchmarks/scenarios/compare.yaml, 20000 (about 10 minutes on 2 cores; needs valgrind)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scenario=$(realpath "${1:-$root/benchmarks/scenarios/compare.yaml}")
population=${2:-20000}
command -v valgrind >/dev/null || { echo "measure.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
"$root/scripts/setup.sh" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Builds this package into scratch folder $1. SwiftPM keeps the build plan of a path dependency
# across checkouts, so after the main package moves files it asks for sources that no longer
# exist ("missing inputs"): the folder is then built again from nothing.
build_here() {
    local scratch=$1; shift
    if ! (cd "$here" && swift build -c release --scratch-path "$scratch" "$@" > "$work/build.log" 2>&1); then
        grep -q "missing inputs" "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
        echo "a stale build plan in $scratch: building it again from nothing" >&2
        rm -rf "${here:?}/$scratch"
        (cd "$here" && swift build -c release --scratch-path "$scratch" "$@" >/dev/null)
    fi
}

echo "building (a counting build and a normal one)" >&2
build_here .build-events -Xswiftc -DCOLLECTSIM_EVENTS
build_here .build
(cd "$root" && swift build -c release --product collectsim >/dev/null)

echo "counting events on $scenario, $population accounts" >&2
"$here/.build-events/release/event-floor" counts "$scenario" --population "$population" > "$work/counts.json"

instructions() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2> "$work/vg.log" > /dev/null
    awk '/I +refs/ { gsub(",", "", $NF); print $NF }' "$work/vg.log"
}
strip --strip-debug -o "$work/event-floor" "$here/.build/release/event-floor"
events=2000000
: > "$work/units.txt"
for k in open-day contact collector-wait clock-event dated-event rule-choice; do
    echo "kernel $k" >&2
    echo "$k $(instructions "$work/event-floor" kernel "$k" "$events") $(instructions "$work/event-floor" kernel "$k" $((2 * events)))" >> "$work/units.txt"
done

strip --strip-debug -o "$work/collectsim" "$root/.build/release/collectsim"
engine() {
    instructions "$work/collectsim" run "$scenario" --out "$work/run-$1" --population "$1" --replications 1 --threads 1 \
        --quiet --registry "$work/registry.sqlite"
}
echo "the engine at $population and $((2 * population)) accounts" >&2
engine_one=$(engine "$population")
engine_two=$(engine $((2 * population)))

python3 - "$work/counts.json" "$work/units.txt" "$events" "$engine_one" "$engine_two" <<'PY'
import json, sys
counts_doc = json.load(open(sys.argv[1]))
events = int(sys.argv[3])
unit = {}
for line in open(sys.argv[2]):
    name, one, two = line.split()
    unit[name] = (int(two) - int(one)) / events
c = counts_doc["counts"]
bd = counts_doc["borrower_days"]
runs = counts_doc["account_runs"]
horizon = counts_doc["horizon_days"]
engine = (int(sys.argv[5]) - int(sys.argv[4])) / bd
rows = [("open days", c["open_days"], "open-day"), ("contacts", c["contacts"], "contact"),
        ("collector waits", c["collector_waits"], "collector-wait"), ("clock events", c["clock_events"], "clock-event"),
        ("dated events", c["dated_events"], "dated-event"),
        ("rule choices (at each dated or clock event)", c["dated_events"] + c["clock_events"], "rule-choice")]
print(f"Event floor of {counts_doc['accounts']:,} accounts × {counts_doc['strategies']} strategies × {horizon} days "
      f"({bd:.3g} borrower-days), instructions per borrower-day\n")
print("| event | per account and horizon | least instructions each | per borrower-day |")
print("|---|---|---|---|")
floor = 0.0
for label, n, k in rows:
    per_bd = n * unit[k] / bd
    floor += per_bd
    print(f"| {label} | {n / runs:.1f} | {unit[k]:.1f} | {per_bd:.1f} |")
print(f"| **floor** | | | **{floor:.1f}** |")
print()
print(f"The engine itself also made {c['rule_choices'] / runs:.1f} rule choices, took {c['full_days'] / runs:.1f} full days "
      f"and {c['quiet_days'] / runs:.1f} quiet days on the short path per account and horizon.")
print(f"Engine: {engine:.1f} instructions per borrower-day at the margin (one thread): {engine / floor:.2f}× the floor.")
PY
