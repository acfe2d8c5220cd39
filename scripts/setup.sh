#!/usr/bin/env bash
# Installs what CollectSim needs on a fresh Debian machine that has the Swift toolchain:
# GNU GSL (libgsl-dev), SQLite (libsqlite3-dev, for the run registry), libyaml (libyaml-dev, for
# the scenario reader's alias guard), pkg-config, and GNU time
# (peak memory in benchmarks/). Does nothing when they are already there.
set -euo pipefail
need=()
pkg-config --exists gsl 2>/dev/null || need+=(libgsl-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
