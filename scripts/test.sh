#!/usr/bin/env bash
# Runs the whole CollectSim test suite on a fresh machine: installs system dependencies first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Optimised build with testing enabled: the Monte Carlo tests need -O speed (a debug build
# simulates ~100x slower); preconditions stay on at -O. Its own scratch folder: sharing
# .build/release with plain `swift build -c release` mixes objects built with different flags.
# COLLECTSIM_INVARIANTS: every simulation in the tests checks the model's invariants after each
# settlement (Sources/CollectionsModel/Invariants.swift); the release build skips them.
# COLLECTSIM_EVENTS: the engine counts its events (EngineEvents.swift), which EngineEventsTests checks.
swift test -c release -Xswiftc -enable-testing -Xswiftc -DCOLLECTSIM_INVARIANTS -Xswiftc -DCOLLECTSIM_EVENTS --disable-swift-testing --scratch-path .build-test
# About a minute of coverage-guided fuzzing of the scenario loader, and half a minute each of
# the portfolio and history readers, of shard folders as merge reads them and of the command
# line's overrides (fixed seeds, so a CI failure reproduces); a crash, hang or memory blow-up
# fails the suite and lands in fuzz/findings/.
fuzz/run.sh scenario 60 -seed=1
fuzz/run.sh input 30 -seed=1
fuzz/run.sh shard 30 -seed=1
fuzz/run.sh override 30 -seed=1
