#!/usr/bin/env bash
# Builds and runs one fuzz target with the limits.
#   fuzz/run.sh <target> [seconds=600] [extra libFuzzer flags...]
# Run from the repository root (the crate that contains fuzz/). New corpus
# entries go to fuzz/corpus/<target> (ignored by git); the seeds in
# fuzz/seeds/<target> are only read. Crashes, timeouts, OOMs and slow units
# land in fuzz/artifacts/<target>/; libFuzzer's log in fuzz/fuzz-0.log.
#
# The issue requires every input to finish within 1 s and 256 MiB:
# -report_slow_units=1 saves any input slower than 1 s (slow-unit-*),
# -malloc_limit_mb=256 fails on any single allocation above 256 MiB, and
# -timeout=5 / -rss_limit_mb=1024 (whole process, libFuzzer's own corpus
# bookkeeping included) stop inputs that are far over.
set -euo pipefail
t=${1:?target}; secs=${2:-600}; shift $(( $# >= 2 ? 2 : 1 ))
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/fuzz/target}
cargo +nightly fuzz build "$t"
mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
cd fuzz
exec "$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/$t" \
  -artifact_prefix="artifacts/$t/" \
  -max_total_time="$secs" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -malloc_limit_mb=256 -report_slow_units=1 -print_final_stats=1 \
  -dict="dict/$t.dict" -jobs=1 -workers=1 "$@" \
  "corpus/$t" "seeds/$t"
