#!/usr/bin/env bash
# Several hosts on one machine: 2 `vigil serve` and 2 `vigil work` processes, each in a network namespace
# of its own (veth pairs on a bridge this script creates, on the private subnet 10.213.7.0/24), sharing one
# throwaway PostgreSQL and one simulated intelligence stub on the bridge. Without root or `ip netns`, the
# processes run on loopback addresses of their own instead. The demo imports the P2P sample leads through
# both servers at once, has 16 clients claim 3 cases each through both, kills one server and one worker
# (SIGKILL) while research is under way, waits for the survivors to finish, stops them with SIGTERM, and
# prints a one-line verdict; it exits non-zero on any double claim, lost or doubled referral, unfinished
# check, repeated check beyond the takeovers, broken audit chain or unclean stop.
# Usage: Scripts/cluster-demo.sh        (VIGIL_BIN: the vigil binary; default: a release build, built if missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vigil=${VIGIL_BIN:-$root/.build/release/vigil}
[ -x "$vigil" ] || (cd "$root" && swift build -c release --product vigil)
work=$(mktemp -d)
names=(s1 s2 w1 w2)
pids=()
folder=""
netns=0
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -n "$folder" ]; then bash "$root/Scripts/pg-cluster.sh" stop "$folder"; fi
  if [ "$netns" = 1 ]; then
    for name in "${names[@]}"; do
      ip netns del "vigil-$name" 2>/dev/null || true
      ip link del "vigil-$name-h" 2>/dev/null || true
    done
    ip link del vigil-br 2>/dev/null || true
  fi
  if [ "${verdict:-FAIL}" = PASS ]; then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ] && ! ip route | grep -q "^10\.213\.7\." && ip netns add vigil-probe 2>/dev/null; then
  ip netns del vigil-probe
  netns=1
  ip link add vigil-br type bridge
  ip addr add 10.213.7.1/24 dev vigil-br
  ip link set vigil-br up
  declare -A address=([s1]=10.213.7.11 [s2]=10.213.7.12 [w1]=10.213.7.21 [w2]=10.213.7.22)
  for name in "${names[@]}"; do
    ip netns add "vigil-$name"
    ip link add "vigil-$name-h" type veth peer name eth0 netns "vigil-$name"
    ip link set "vigil-$name-h" master vigil-br up
    ip -n "vigil-$name" addr add "${address[$name]}/24" dev eth0
    ip -n "vigil-$name" link set eth0 up
    ip -n "vigil-$name" link set lo up
  done
  shared=10.213.7.1
  on() { local name=$1; shift; exec ip netns exec "vigil-$name" "$@"; }
  out=$(bash "$root/Scripts/pg-cluster.sh" start --listen "$shared")
  echo "hosts: network namespaces vigil-s1, -s2, -w1, -w2 on bridge vigil-br (10.213.7.0/24)" >&2
else
  declare -A address=([s1]=127.0.0.11 [s2]=127.0.0.12 [w1]=127.0.0.21 [w2]=127.0.0.22)
  shared=127.0.0.1
  on() { shift; exec "$@"; }
  out=$(bash "$root/Scripts/pg-cluster.sh" start)
  echo "hosts: loopback addresses (no root or no ip netns here)" >&2
fi
folder=${out#* }
port=${out% *}
port=${port##*:}
port=${port%%/*}
db="postgres://vigil@$shared:$port/postgres"
sql() { psql "postgres://vigil@127.0.0.1:$port/postgres" -tAq -c "$1"; }
export VIGIL_AUDIT_KEY_FILE=$work/audit.key
log() { echo "$*" >&2; }

"$vigil" intel-stub --host "$shared" --port 18089 --latency-ms 300 >"$work/stub.log" 2>&1 &
pids+=($!)
imp=$("$vigil" user add --db "$db" imp --role importer --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
dc=$("$vigil" user add --db "$db" dc --role investigator --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
declare -A pid
for name in s1 s2; do
  on "$name" "$vigil" serve --db "$db" --host "${address[$name]}" --port 8080 --workers 8 --intel-base-url "http://$shared:18089" \
    >"$work/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=($!)
done
for name in w1 w2; do
  on "$name" "$vigil" work --db "$db" --concurrency 8 --intel-base-url "http://$shared:18089" >"$work/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=($!)
done
for name in s1 s2; do
  for _ in $(seq 1 100); do curl -sf -m 2 "http://${address[$name]}:8080/healthz" >/dev/null && break; sleep 0.2; done
done

leads="$root/Samples/p2p-leads.jsonl"
total=$(grep -c . "$leads")
head -n $((total / 2)) "$leads" >"$work/half-1.jsonl"
tail -n +$((total / 2 + 1)) "$leads" >"$work/half-2.jsonl"
"$vigil" import "$work/half-1.jsonl" --format p2p --server "http://${address[s1]}:8080" --token "$imp" --lines-per-request 10 >/dev/null &
first=$!
"$vigil" import "$work/half-2.jsonl" --format p2p --server "http://${address[s2]}:8080" --token "$imp" --lines-per-request 10 >/dev/null &
second=$!
wait "$first" && wait "$second"
log "imported $total leads through both servers"

clients=()
for client in $(seq 0 15); do
  server=${address[s$((client % 2 + 1))]}
  (for _ in 1 2 3; do
    curl -s -m 30 -X POST -H "Authorization: Bearer $dc" "http://$server:8080/api/v1/cases/next" \
      | python3 -c 'import json,sys; c=json.load(sys.stdin).get("case"); print(c["caseId"] if c else "")'
  done) >"$work/claims-$client.txt" &
  clients+=($!)
done
wait "${clients[@]}"
claimed=$(cat "$work"/claims-*.txt | grep -c .)
distinct=$(cat "$work"/claims-*.txt | grep . | sort -u | wc -l)
log "16 clients claimed $claimed cases ($distinct distinct)"

for _ in $(seq 1 300); do [ "$(sql "SELECT count(*) FROM checks WHERE state = 'running'")" -gt 0 ] && break; sleep 0.1; done
kill -9 "${pid[s1]}" "${pid[w1]}"
inflight=$(sql "SELECT count(*) FROM checks WHERE state = 'running' AND lease_owner IN ('worker-${pid[s1]}', 'worker-${pid[w1]}')")
log "killed server s1 and worker w1 with $inflight checks in flight"

for _ in $(seq 1 900); do [ "$(sql "SELECT count(*) FROM checks WHERE state IN ('pending', 'running')")" = 0 ] && break; sleep 0.2; done
stopped=0
for name in s2 w2; do
  kill -TERM "${pid[$name]}" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "${pid[$name]}" 2>/dev/null; then log "$name did not stop on SIGTERM"; else wait "${pid[$name]}" && stopped=$((stopped + 1)); fi
done

referrals=$(sql "SELECT count(*) FROM referrals")
unique=$(sql "SELECT count(DISTINCT ref) FROM referrals")
doubles=$(sql "SELECT count(*) FROM (SELECT case_id FROM claims GROUP BY case_id HAVING count(*) > 1) d")
unfinished=$(sql "SELECT count(*) FROM checks WHERE state <> 'done'")
repeated=$(sql "SELECT count(*) FROM checks WHERE attempts > 1")
checks=$(sql "SELECT count(*) FROM checks")
audit=ok
"$vigil" audit verify --db "$db" >/dev/null || audit=broken

result="PASS"
[ "$claimed" = 48 ] && [ "$distinct" = 48 ] && [ "$doubles" = 0 ] || result="FAIL"
[ "$referrals" = "$total" ] && [ "$unique" = "$total" ] || result="FAIL"
[ "$unfinished" = 0 ] && [ "$repeated" -le "$inflight" ] && [ "$audit" = ok ] && [ "$stopped" = 2 ] || result="FAIL"
verdict=$result
echo "$verdict: $referrals of $total referrals stored once; 48 claims, $distinct distinct, $doubles cases claimed twice;" \
  "$checks checks, $unfinished unfinished, $repeated run again (takeovers allowed: $inflight in flight at the kill);" \
  "audit chain $audit; $stopped of 2 survivors stopped on SIGTERM"
[ "$verdict" = PASS ]
