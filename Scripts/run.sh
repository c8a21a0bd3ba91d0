#!/usr/bin/env bash
# The main job on the embedded default: build, import the bundled synthetic samples into a fresh
# SQLite file and print the ordered backlog.
# Usage: Scripts/run.sh [DB]   (default: out/vigil.sqlite, recreated on every run)
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build --product vigil
vigil="$(swift build --show-bin-path)/vigil"
db="${1:-out/vigil.sqlite}"
mkdir -p "$(dirname "$db")"
rm -f "$db" "$db-wal" "$db-shm"

"$vigil" import --db "$db" --format nca Samples/nca-packages.jsonl Samples/nca-array.json Samples/nca-case-studies.jsonl
"$vigil" import --db "$db" --format p2p Samples/p2p-leads.jsonl Samples/p2p-leads.csv Samples/p2p-case-studies.jsonl
echo
"$vigil" backlog --db "$db"
