#!/usr/bin/env bash
# Fuzzes a live `vigil serve` against docs/openapi.yaml with schemathesis (from PyPI): every operation,
# generated and malformed inputs; fails on any 5xx, or any response whose status, content type or body
# breaks the document. Runs as a supervisor (the broadest reader); importer-only operations answer 403,
# which the document lists.
# Usage: Scripts/api-fuzz.sh [MAX_EXAMPLES]   (default 50 per operation)
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
python3 -m pip show schemathesis >/dev/null 2>&1 || python3 -m pip install -q schemathesis
swift build --product vigil
vigil="$(swift build --show-bin-path)/vigil"

work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/fuzz.sqlite"
"$vigil" import --db "$db" --format nca Samples/nca-case-studies.jsonl >/dev/null
token="$("$vigil" user add --db "$db" fuzz-supervisor --role supervisor --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$vigil" serve --db "$db" --port "$port" --intel-base-url http://127.0.0.1:9 --workers 1 &
server=$!
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done

st run docs/openapi.yaml --url "http://127.0.0.1:$port" --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${1:-50}" --seed 20261123
