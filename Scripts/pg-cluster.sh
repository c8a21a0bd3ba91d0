#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and demos, from Debian's postgresql package:
#   pg-cluster.sh start [--durable] [--listen ADDRESS]
#                             initdb in a new temporary folder, start it on a free loopback port, and print
#                             "URL FOLDER" (URL: postgres://vigil@127.0.0.1:PORT/postgres, trust login);
#                             --durable keeps PostgreSQL's default fsync and synchronous commit (benchmarks);
#                             --listen also listens on ADDRESS and trusts logins from its /24 (test hosts in
#                             network namespaces, Scripts/cluster-demo.sh)
#   pg-cluster.sh stop FOLDER stop that cluster at once and remove its folder
# PostgreSQL refuses to run as root, so as root the cluster belongs to the package's `postgres` user.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "pg-cluster: PostgreSQL is not installed (Scripts/setup.sh installs it)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    folder=$(mktemp -d /tmp/vigil-pg.XXXXXX)
    chmod 755 "$folder"
    [ "$(id -u)" -eq 0 ] && chown postgres "$folder"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$folder/data" -U vigil --auth=trust -E UTF8 --no-locale >"$folder/initdb.log" 2>&1 \
      || { cat "$folder/initdb.log" >&2; exit 1; }
    # Without --durable, fsync off: the cluster is thrown away, and tests kill Vigil's processes, never the server.
    durability="-c fsync=off -c synchronous_commit=off"
    listen=127.0.0.1
    shift
    while [ $# -gt 0 ]; do
      case "$1" in
        --durable) durability="" ;;
        --listen)
          listen="127.0.0.1,$2"
          echo "host all all ${2%.*}.0/24 trust" >>"$folder/data/pg_hba.conf"
          shift
          ;;
        *) echo "pg-cluster: unknown option $1" >&2; exit 2 ;;
      esac
      shift
    done
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
      -o "-p $port -k $folder -c listen_addresses=$listen -c max_connections=300 $durability" \
      start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
    echo "postgres://vigil@127.0.0.1:$port/postgres $folder"
    ;;
  stop)
    folder=${2:?pg-cluster.sh stop FOLDER}
    as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$folder"
    ;;
  *)
    echo "usage: pg-cluster.sh start | stop FOLDER" >&2
    exit 2
    ;;
esac
