#!/usr/bin/env bash
# Instructions per account-day of the quiet-day loop, one account at a time (as the engine does)
# and in four SIMD lanes (issue 25, step 3), for the default x86-64 target and for Haswell (AVX2).
# The count of 400 accounts is subtracted from that of 800, so start-up cancels out.
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "measure.sh: needs valgrind" >&2; exit 2; }
count() { valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 | awk '/I +refs/ {gsub(",", "", $NF); print $NF}'; }
for target in default haswell; do
  flags=(); [ "$target" = haswell ] && flags=(-Xswiftc -target-cpu -Xswiftc haswell)
  swift build -c release "${flags[@]}" --scratch-path ".build-$target" >/dev/null
  for kernel in scalar lanes; do
    for neglect in "" neglect; do
      small=$(count ".build-$target/release/lanes-kernel" $kernel 400 $neglect)
      large=$(count ".build-$target/release/lanes-kernel" $kernel 800 $neglect)
      awk -v t="$target" -v k="$kernel" -v n="${neglect:-quiet}" -v small="$small" -v large="$large" \
        'BEGIN { printf "%-8s %-7s %-8s %6.1f instructions per account-day\n", t, k, n, (large - small) / (400 * 300) }'
    done
  done
done
