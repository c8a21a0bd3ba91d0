#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds, and runs every Swift Testing suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
