#!/usr/bin/env bash
# Re-copies the shared conformance corpus into tests/conformance so that the
# repository's tests are self-contained. Run it whenever ../shared changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-$root/../shared/conformance}"
rm -rf "$root/tests/conformance"
mkdir -p "$root/tests/conformance"
cp -r "$src"/. "$root/tests/conformance/"
echo "synced $(find "$root/tests/conformance" -name expected\* | wc -l) expected files from $src"
