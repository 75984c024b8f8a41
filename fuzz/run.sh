#!/usr/bin/env bash
# Runs one fuzz target with the limits (1 s and 256 MiB per input are
# the requirement; libFuzzer's -timeout/-rss_limit_mb are looser so that a
# slow input is reported as a timeout rather than missed).
#   fuzz/run.sh <target> [seconds=600] [extra libFuzzer flags...]
# Run from the repository root. New corpus entries go to fuzz/corpus/<target>
# (ignored by git); the seeds in fuzz/seeds/<target> are read only.
set -euo pipefail
t=${1:?target}; secs=${2:-600}; shift $(( $# >= 2 ? 2 : 1 ))
mkdir -p "fuzz/corpus/$t"
exec cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
  -max_total_time="$secs" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -dict="fuzz/dict/$t.dict" -jobs=1 -workers=1 -print_final_stats=1 "$@"
