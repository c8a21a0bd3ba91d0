#!/usr/bin/env bash
# Screenshots of the supervisor's dashboard and a case page, taken by a real browser (Debian's
# Chromium, installed if missing) signed in through the sign-in form, saved under docs/.
# The data: the bundled samples imported 30 hours ago (the imports run under faketime, which moves only
# their wall clock, so calls and strategy discussions are overdue now) and researched now against the
# stub, a supervisor, two investigators holding cases, one deferred social-care call, one strategy
# discussion; the case page is the inspection's teacher living with two children
# (Samples/nca-case-studies.jsonl).
# Usage: Scripts/screenshot.sh [OUT_DIR [PAGE ...]]   (default: docs; PAGE is name=/path, name.pdf=/path
# prints the page to PDF; default: dashboard=/ and case-page=<the teacher's case>)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs}"
bash Scripts/setup.sh
if ! command -v chromium >/dev/null || ! command -v faketime >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium faketime >/dev/null
fi
python3 -c "import websocket" 2>/dev/null || python3 -m pip install -q websocket-client
swift build --product vigil
vigil="$(swift build --show-bin-path)/vigil"

work="$(mktemp -d)"
trap 'kill "${server:-0}" "${stub:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/shots.sqlite"
export VIGIL_BANK_HOLIDAYS=Samples/bank-holidays-england-wales.txt
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for batch in nca-packages.jsonl:nca nca-array.json:nca nca-case-studies.jsonl:nca p2p-leads.jsonl:p2p p2p-leads.csv:p2p p2p-case-studies.jsonl:p2p; do
    FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f -30h "$vigil" import --db "$db" "Samples/${batch%%:*}" --format "${batch##*:}" >/dev/null
done
stub_port="$(free_port)"
"$vigil" intel-stub --port "$stub_port" --fixtures Samples/intel-fixtures.json --latency-ms 5 >"$work/stub.log" 2>&1 &
stub=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$stub_port/_alerts" >/dev/null && break; sleep 0.1; done
"$vigil" work --db "$db" --intel-base-url "http://127.0.0.1:$stub_port" --until-idle >/dev/null
token="$("$vigil" user add sam-supervisor --role supervisor --db "$db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
"$vigil" user add dc-ashdown --role investigator --db "$db" >/dev/null
"$vigil" user add dc-brightwell --role investigator --db "$db" >/dev/null
for officer in dc-ashdown dc-ashdown dc-ashdown dc-brightwell dc-brightwell; do
    "$vigil" next --db "$db" --as "$officer" >/dev/null
done
flagged="$("$vigil" backlog --db "$db" --json | python3 -c '
import json, sys
cases = json.load(sys.stdin)["cases"]
print(next(c["caseId"] for c in cases if c["claimedBy"] is None and any(f["state"] == "open" for f in c["flags"])))')"
"$vigil" notify --db "$db" "$flagged" --flag socialCare --defer --by sam-supervisor \
    --reason "Risk of tipping off before the warrant on Friday" --review-by "$(date -u -d '+2 days' +%Y-%m-%dT09:00:00Z)" >/dev/null
teacher="$("$vigil" backlog --db "$db" --json | python3 -c '
import json, sys
cases = json.load(sys.stdin)["cases"]
print(next(c["caseId"] for c in cases if "NCA-CS-TEACHER" in c["refs"]))')"
"$vigil" strategy --db "$db" "$teacher" --as sam-supervisor --held-at "$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:00Z)" \
    --with "children's social care, school nurse" --outcome joint-investigation --note "Joint visit to the home today" >/dev/null

port="$(free_port)"
VIGIL_LOG_LEVEL=error "$vigil" serve --db "$db" --port "$port" --workers 1 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

mkdir -p "$out"
if [ $# -gt 1 ]; then pages=("${@:2}"); else pages=(dashboard=/ case-page="/cases/$teacher"); fi
python3 Scripts/screenshot.py "$(command -v chromium)" "http://127.0.0.1:$port" "$token" "$out" "${pages[@]}"
