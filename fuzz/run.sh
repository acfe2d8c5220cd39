#!/usr/bin/env bash
# Builds the scenario fuzz target with libFuzzer and AddressSanitizer and runs it.
# Usage: fuzz/run.sh [SECONDS] [extra libFuzzer flags...]   (default 60 s)
# The corpus starts from scenarios/ and the bad-input corpus; inputs that crash, hang or
# exhaust memory are written to fuzz/findings/ and must become regression cases.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"; shift || true
../scripts/setup.sh
# SwiftPM keeps a stale list of a path dependency's source files; drop it so new files build.
rm -f .build-fuzz/debug.yaml
if ! swift build --package-path . --scratch-path .build-fuzz -c debug --product scenario-fuzz \
     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library > .build-fuzz.log 2>&1; then
  grep -v "warning: Cannot export local symbol" .build-fuzz.log >&2
  echo "fuzz build failed" >&2; exit 1
fi
binary=".build-fuzz/debug/scenario-fuzz"
corpus=".corpus"; mkdir -p "$corpus" findings
cp ../scenarios/*.yaml "$corpus"/ 2>/dev/null || true
cp ../Tests/ScenarioTests/BadScenarios/*.yaml "$corpus"/ 2>/dev/null || true
cp regressions/* "$corpus"/ 2>/dev/null || true
"$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -dict=yaml.dict -artifact_prefix=findings/ -print_final_stats=1 "$@"
