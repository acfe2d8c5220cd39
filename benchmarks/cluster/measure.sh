#!/usr/bin/env bash
# Measures what a cluster run costs on this machine (docs/cluster.md quotes the figures):
#   1. per-task overhead: start-up, population set-up and shard write of a task with almost no work;
#   2. a 10^6-account run (default model, 4 strategies, 360 days, 2 replications) cut into 1,000
#      shards: the tasks' total time, then the merge's time and peak memory, and the merged folder
#      compared byte for byte with the one-machine run;
#   3. speed-up of N local shards run side by side (one thread each) against one process.
# Usage: benchmarks/cluster/measure.sh [WORKDIR]   (about 10 minutes on 2 cores; writes WORKDIR/results.txt)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d /tmp/collectsim-cluster-bench.XXXXXX)}
mkdir -p "$work"
cd "$root" && swift build -c release >/dev/null
bin="$root/.build/release/collectsim"
out="$work/results.txt"
: > "$out"
export COLLECTSIM_REGISTRY="$work/runs.sqlite" SOURCE_DATE_EPOCH=1795000000
cores=$(nproc)
say() { echo "$*" | tee -a "$out"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
# Wall seconds and peak RSS (KiB) of a command, from GNU time.
measure() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null; cat "$work/time.txt"; }

say "CollectSim cluster measurements, $(date -u +%F), commit $(git -C "$root" rev-parse --short HEAD), $cores cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

# 1. Per-task overhead.
cat > "$work/tiny.yaml" <<YAML
name: tiny
replications: 1
horizon_days: 1
population: {size: 1}
YAML
read -r s _ < <(measure "$bin" --version)
say "process start-up (collectsim --version): $s s"
rm -rf "$work/tiny-shards"
read -r s m < <(measure "$bin" run "$work/tiny.yaml" --shard 1/1 --out "$work/tiny-shards" --threads 1 --quiet)
say "task with no work (1 account, 1 day, default model: scenario, population tables, shard write): $s s, peak $((m / 1024)) MiB"
cat > "$work/million.yaml" <<YAML
name: million
seed: 1
replications: 2
population: {size: 1000000}
YAML
rm -rf "$work/one-block"
read -r s m < <(measure "$bin" run "$work/million.yaml" --shard 1/1954 --out "$work/one-block" --threads 1 --quiet)
say "task of one block (1,024 accounts × 360 days × 4 strategies) of the 10^6 run: $s s, peak $((m / 1024)) MiB, payload $(du -k "$work/one-block/shard-0001-of-1954/tallies.bin" | cut -f1) KiB"

# 2. 1,000 shards of the 10^6-account run.
rm -rf "$work/local" "$work/shards" "$work/merged"
read -r local m < <(measure "$bin" run "$work/million.yaml" --out "$work/local" --quiet)
say "one-machine run, $cores threads: $local s, peak $((m / 1024)) MiB"
start=$(date +%s.%N)
seq 1 1000 | xargs -P "$cores" -I K "$bin" run "$work/million.yaml" --shard K/1000 --out "$work/shards" --threads 1 --quiet >/dev/null
end=$(date +%s.%N)
say "1,000 shard tasks, $cores at a time, 1 thread each: $(sub "$end" "$start") s; shards on disk: $(du -sm "$work/shards" | cut -f1) MiB"
read -r s m < <(measure "$bin" merge "$work/shards" --out "$work/merged")
say "merge of 1,000 shards: $s s, peak $((m / 1024)) MiB"
same=yes
for f in $(cd "$work/local" && ls); do cmp -s "$work/local/$f" "$work/merged/$f" || same="no ($f differs)"; done
say "merged folder byte-identical to the one-machine run: $same"

# 3. Speed-up of N local shards (1 thread each, run side by side) against one process.
cat > "$work/speed.yaml" <<YAML
name: speed
seed: 2
replications: 2
population: {size: 200000}
YAML
# Each configuration three times, interleaved so that drift of the machine hits them alike; the
# median is reported.
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
declare -A tasks merges
ones="" alls=""
for round in 1 2 3; do
  rm -rf "$work/speed-1t" "$work/speed-${cores}t"
  read -r s _ < <(measure "$bin" run "$work/speed.yaml" --out "$work/speed-1t" --threads 1 --quiet); ones="$ones $s"
  read -r s _ < <(measure "$bin" run "$work/speed.yaml" --out "$work/speed-${cores}t" --threads "$cores" --quiet); alls="$alls $s"
  for n in 1 2 4 8; do
    rm -rf "$work/speed-shards-$n" "$work/speed-merged-$n"
    start=$(date +%s.%N)
    seq 1 $n | xargs -P "$cores" -I K "$bin" run "$work/speed.yaml" --shard K/$n --out "$work/speed-shards-$n" --threads 1 --quiet >/dev/null
    mid=$(date +%s.%N)
    "$bin" merge "$work/speed-shards-$n" --out "$work/speed-merged-$n" >/dev/null
    end=$(date +%s.%N)
    tasks[$n]="${tasks[$n]:-} $(sub "$mid" "$start")"
    merges[$n]="${merges[$n]:-} $(sub "$end" "$mid")"
  done
done
one=$(median $ones)
say "200,000 accounts × 2 replications × 360 days × 4 strategies (median of 3): 1 process 1 thread $one s; 1 process $cores threads $(median $alls) s"
for n in 1 2 4 8; do
  t=$(median ${tasks[$n]}); m=$(median ${merges[$n]})
  say "  $n shards, $cores at a time, 1 thread each (median of 3): tasks $t s + merge $m s (speed-up over 1 thread: $(awk -v a="$one" -v b="$t" -v c="$m" 'BEGIN { printf "%.2f", a / (b + c) }'))"
done
say "results in $out"
