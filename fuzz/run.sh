#!/usr/bin/env bash
# Builds a fuzz target with libFuzzer and AddressSanitizer and runs it.
# Usage: fuzz/run.sh [TARGET] [SECONDS] [extra libFuzzer flags...]
#   TARGET: scenario (the scenario loader, the default), input (the portfolio and history
#   readers), shard (shard folders as merge reads them) or override (the command line's
#   --set, --seed, --replications and --population); SECONDS: 60 by default.
# The scenario corpus starts from scenarios/ and the bad-input corpus, the input corpus from
# fuzz/inputs/, the override corpus from fuzz/overrides/; inputs that crash, hang or exhaust
# memory are written to fuzz/findings/ and must become regression cases (fuzz/regressions/).
set -euo pipefail
cd "$(dirname "$0")"
target=scenario
if [[ "${1:-}" == scenario || "${1:-}" == input || "${1:-}" == shard || "${1:-}" == override ]]; then target="$1"; shift; fi
seconds="${1:-60}"; shift || true
../scripts/setup.sh
# SwiftPM keeps a stale list of a path dependency's source files; drop it so new files build.
rm -f .build-fuzz/debug.yaml
if ! swift build --package-path . --scratch-path .build-fuzz -c debug --product "$target-fuzz" \
     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library > .build-fuzz.log 2>&1; then
  grep -v "warning: Cannot export local symbol" .build-fuzz.log >&2
  echo "fuzz build failed" >&2; exit 1
fi
binary=".build-fuzz/debug/$target-fuzz"
corpus=".corpus-$target"; mkdir -p "$corpus" findings
if [[ "$target" == scenario ]]; then
  cp ../scenarios/*.yaml "$corpus"/ 2>/dev/null || true
  cp ../Tests/ScenarioTests/BadScenarios/*.yaml "$corpus"/ 2>/dev/null || true
  cp regressions/*.yaml "$corpus"/ 2>/dev/null || true
  flags=(-max_len=16384 -dict=yaml.dict)
elif [[ "$target" == input ]]; then
  cp inputs/* "$corpus"/
  cp regressions/*.csv "$corpus"/ 2>/dev/null || true
  flags=(-max_len=8192 -dict=csv.dict)
elif [[ "$target" == override ]]; then
  # One argument per line, applied to the target's own base scenario.
  cp overrides/* "$corpus"/
  cp regressions/override-* "$corpus"/ 2>/dev/null || true
  flags=(-max_len=1024 -dict=override.dict)
else
  # The target writes its own two shards and mutates their files; it starts from no corpus.
  # LeakSanitizer reports Foundation's own reads of small files (FileManager.contents, 4 KiB
  # in about one read in forty) as leaks; leaks are not checked here (neither per input nor at
  # exit), and -rss_limit_mb still stops any growth.
  cp regressions/shard-* "$corpus"/ 2>/dev/null || true
  flags=(-max_len=16384 -detect_leaks=0)
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
"$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${flags[@]}" \
  -artifact_prefix="findings/$target-" -print_final_stats=1 "$@"
