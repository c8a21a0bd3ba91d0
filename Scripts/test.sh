#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds, starts a throwaway PostgreSQL cluster (a temp
# folder, a free loopback port; stopped and removed at the end, even on failure), and runs every Swift
# Testing suite, the store conformance suites against memory, SQLite and that cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh --with-postgres
swift build --build-tests
cluster=$(bash Scripts/pg-cluster.sh start)
trap 'bash Scripts/pg-cluster.sh stop "${cluster#* }"' EXIT
export VIGIL_TEST_POSTGRES=${cluster% *}
export VIGIL_TEST_SCRIPT=1
swift test --skip-build "$@"
