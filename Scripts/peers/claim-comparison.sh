#!/usr/bin/env bash
# Vigil's claims and pgqueuer's dequeues side by side, on one throwaway PostgreSQL server in one run: each
# drains CASES cases (one job per case for pgqueuer) with CONSUMERS concurrent claimers, and each prints
# one JSON line with claims/s, p50/p99 and order inversions (docs/BENCHMARKS.md, "Claims against a peer").
# pgqueuer is pip-installed into a temporary virtualenv at run time. Needs a release build of vigil.
# Usage: Scripts/peers/claim-comparison.sh [CASES] [CONSUMERS]
set -euo pipefail
cases=${1:-100000}
consumers=${2:-16}
root=$(cd "$(dirname "$0")/../.." && pwd)
vigil=${VIGIL_BIN:-$root/.build/release/vigil}
venv=$(mktemp -d)
folder=""
cleanup() {
    if [ -n "$folder" ]; then bash "$root/Scripts/pg-cluster.sh" stop "$folder"; fi
    rm -rf "$venv"
}
trap cleanup EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q "pgqueuer==1.6.0" "asyncpg"
out=$(bash "$root/Scripts/pg-cluster.sh" start --durable)
url=${out% *}
folder=${out#* }
base=${url%/postgres}
psql "$url" -q -c "CREATE DATABASE vigil_claims" -c "CREATE DATABASE pgqueuer_jobs"
echo "vigil:" >&2
"$vigil" bench claim --cases "$cases" --claimers "$consumers" --db "$base/vigil_claims" --json
echo "pgqueuer (on cases seeded by vigil bench import):" >&2
"$vigil" bench import --records "$cases" --db "$base/pgqueuer_jobs" --json > /dev/null
"$venv/bin/python" "$root/Scripts/peers/pgqueuer_drain.py" --db "$base/pgqueuer_jobs" --consumers "$consumers"
