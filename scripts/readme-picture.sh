#!/usr/bin/env bash
# Regenerates docs/images/default-run.svg, the README's picture, from a real run of the default
# scenario (100,000 accounts × 8 replications × 360 days, about 15 s on two cores). Run it after
# a change that moves the default scenario's results.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product collectsim >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/collectsim run --out "$work/run" --quiet --registry "$work/runs.sqlite" >/dev/null
mkdir -p docs/images
python3 scripts/readme-picture.py "$work/run" docs/images/default-run.svg
echo "wrote docs/images/default-run.svg"
