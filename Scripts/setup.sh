#!/usr/bin/env bash
# Installs what building and testing Vigil needs on a fresh Debian machine with Swift 6:
# libcurl's and SQLite's development packages, libxml2 (Foundation's XML parser, which reads CyberTipline
# XML, loads it at run time), the sqlite3 tool (tests tamper with the audit log
# through it), pkg-config, the curl tool (scripts wait for a server's /healthz with it) and python3
# (the campaigns of Scripts/campaigns/ and small helpers of other scripts); with --with-postgres also
# Debian's PostgreSQL server (the tests start a throwaway cluster of it, Scripts/pg-cluster.sh). Safe to
# run again.
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev libxml2 sqlite3 pkg-config curl python3)
[ "${1:-}" = "--with-postgres" ] && packages+=(postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH" >&2; exit 1; }
