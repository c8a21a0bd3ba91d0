#!/usr/bin/env bash
# Checks that Sources/, Tests/, Fuzz/ and Package.swift are formatted as `.swift-format` says (swift-format, in the
# Swift toolchain): formats a copy and fails, listing the differences, if anything would change.
# Format in place with: swift format format --configuration .swift-format -r -i Sources Tests Fuzz Package.swift
set -euo pipefail
cd "$(dirname "$0")/.."
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
cp -r Sources Tests Fuzz Package.swift "$copy/"
swift format format --configuration .swift-format -r -i "$copy/Sources" "$copy/Tests" "$copy/Fuzz" "$copy/Package.swift"
if ! diff -ru Sources "$copy/Sources" || ! diff -ru Tests "$copy/Tests" || ! diff -ru Fuzz "$copy/Fuzz" || ! diff -u Package.swift "$copy/Package.swift"; then
    echo "format-check: some files are not formatted; run: swift format format --configuration .swift-format -r -i Sources Tests Fuzz Package.swift" >&2
    exit 1
fi
echo "format-check: every file is formatted"
