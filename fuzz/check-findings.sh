#!/usr/bin/env bash
# Replays every reproducer in fuzz/findings/<target>/ through its fuzz target
# (built by `cargo +nightly fuzz build`) and says which still fail.
# `*.standalone.*` files are for `examples/probe` (see README) and `note-*`
# files are not bugs: both are skipped here. Run from the repository root.
set -uo pipefail
bin=${CARGO_TARGET_DIR:-$PWD/fuzz/target}/x86_64-unknown-linux-gnu/release
status=0
for dir in fuzz/findings/*/; do
  t=$(basename "$dir")
  for f in "$dir"*; do
    case $(basename "$f") in *.standalone.*|note-*) continue ;; esac
    if "$bin/$t" -rss_limit_mb=2048 -timeout=10 "$f" >/dev/null 2>&1; then
      echo "fixed     $t  $f"
    else
      echo "FAILS     $t  $f"
      status=1
    fi
  done
done
exit $status
