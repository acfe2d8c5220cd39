#!/usr/bin/env bash
# Runs the whole CollectSim test suite on a fresh machine: installs system dependencies first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test
