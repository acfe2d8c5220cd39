#!/usr/bin/env bash
# Measures what a lender's book costs a run on this machine (docs/portfolio.md quotes the figures):
#   1. writing a 10^6-account synthetic book (collectsim portfolio);
#   2. a 1-day, 1-replication run of the default scenario on 10^6 generated accounts against the
#      same run on the 10^6-account book: wall time (median of 3) and peak memory, and what the
#      book adds per account;
#   3. reading and checking the book alone (collectsim validate), against the CSV readers among
#      the Swift packages this machine carries (CSV.swift, SwiftCSV) reading the same file and
#      converting its numeric columns (the csv-peers package beside this script).
#   4. a 10^7-account book (1 GB): written, run for one day against 10^7 generated accounts, and
#      validated, one run each: the memory must not grow with the book.
# Usage: benchmarks/portfolio/measure.sh [WORKDIR]   (about 8 minutes on 2 cores; writes WORKDIR/results.txt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d /tmp/collectsim-portfolio-bench.XXXXXX)}
mkdir -p "$work"
(cd "$root" && swift build -c release >/dev/null)
(cd "$here" && swift build -c release >/dev/null)
bin="$root/.build/release/collectsim"
peers="$here/.build/release/csv-peers"
out="$work/results.txt"
: > "$out"
export COLLECTSIM_REGISTRY="$work/runs.sqlite" SOURCE_DATE_EPOCH=1795000000
say() { echo "$*" | tee -a "$out"; }
# Wall seconds and peak RSS (KiB) of a command, from GNU time.
measure() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null; cat "$work/time.txt"; }
# Median wall seconds and the largest peak RSS of three runs of a command.
median3() {
    local times=() peak=0 s m
    for _ in 1 2 3; do
        read -r s m < <(measure "$@")
        times+=("$s"); (( m > peak )) && peak=$m
    done
    echo "$(printf '%s\n' "${times[@]}" | sort -g | sed -n 2p) $peak"
}

say "CollectSim portfolio measurements, $(date -u +%F), commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

rm -f "$work/book.csv"
read -r s m < <(measure "$bin" portfolio --size 1000000 --seed 1 --out "$work/book.csv")
say "collectsim portfolio --size 1000000: $s s, peak $((m / 1024)) MiB, $(( $(stat -c %s "$work/book.csv") / 1000000 )) MB written"

printf 'name: generated\nseed: 1\nreplications: 1\nhorizon_days: 1\npopulation: {size: 1000000}\n' > "$work/generated.yaml"
printf 'name: book\nseed: 1\nreplications: 1\nhorizon_days: 1\npopulation: {portfolio: book.csv}\n' > "$work/book.yaml"
rm -rf "$work/out"
read -r gs gm < <(median3 "$bin" run "$work/generated.yaml" --out "$work/out" --force --quiet)
say "run, 10^6 generated accounts, 1 day, all cores: $gs s, peak $((gm / 1024)) MiB"
read -r bs bm < <(median3 "$bin" run "$work/book.yaml" --out "$work/out" --force --quiet)
say "run, the 10^6-account book, 1 day, all cores: $bs s, peak $((bm / 1024)) MiB"
say "the book adds $(awk -v a="$bs" -v b="$gs" 'BEGIN { printf "%.2f", a - b }') s and $(( (bm - gm) * 1024 / 1000000 )) bytes an account"

read -r s m < <(median3 "$bin" validate "$work/book.yaml")
say "collectsim validate (read and check every row, SHA-256, duplicate ids): $s s, peak $((m / 1024)) MiB"
for reader in csv-swift swiftcsv; do
    read -r s m < <(median3 "$peers" "$reader" "$work/book.csv")
    say "$reader (fields as Strings, numeric columns to Double, no checks): $s s, peak $((m / 1024)) MiB"
done

rm -f "$work/book7.csv"
read -r s m < <(measure "$bin" portfolio --size 10000000 --seed 1 --out "$work/book7.csv")
say "collectsim portfolio --size 10000000: $s s, peak $((m / 1024)) MiB"
printf 'name: generated7\nseed: 1\nreplications: 1\nhorizon_days: 1\npopulation: {size: 10000000}\n' > "$work/generated7.yaml"
printf 'name: book7\nseed: 1\nreplications: 1\nhorizon_days: 1\npopulation: {portfolio: book7.csv}\n' > "$work/book7.yaml"
read -r s m < <(measure "$bin" run "$work/generated7.yaml" --out "$work/out7" --force --quiet --yes)
say "run, 10^7 generated accounts, 1 day, all cores: $s s, peak $((m / 1024)) MiB"
read -r s m < <(measure "$bin" run "$work/book7.yaml" --out "$work/out7" --force --quiet --yes)
say "run, the 10^7-account book, 1 day, all cores: $s s, peak $((m / 1024)) MiB"
read -r s m < <(measure "$bin" validate "$work/book7.yaml")
say "collectsim validate, 10^7 accounts: $s s, peak $((m / 1024)) MiB"
rm -f "$work/book7.csv"
