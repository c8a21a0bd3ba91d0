#!/usr/bin/env bash
# The main job on the embedded default: build, then `vigil demo` — start the intelligence stub
# in-process, import the bundled synthetic samples into a fresh SQLite file (graded on arrival), print
# the ordered backlog, run every research check to idle over libcurl, and print the backlog again.
# Usage: Scripts/run.sh [DB]   (default: out/vigil.sqlite, recreated on every run)
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build --product vigil
vigil="$(swift build --show-bin-path)/vigil"
"$vigil" demo --db "${1:-out/vigil.sqlite}" --samples Samples
