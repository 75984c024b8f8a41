#!/bin/bash
# Reproduces tools/bench-slurm/README.md's table: builds the release binary,
# makes sure the cluster answers and the reference venv has the submitit
# launcher, then runs slurm_bench.py (arguments are passed on, e.g. --reps 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=${HVENV:-/tmp/hvenv}

cd "$repo"
cargo build --release -p config-core
if ! sinfo >/dev/null 2>&1; then
  echo "sinfo failed: starting the local cluster" >&2
  /work/shared/slurm/start-local-slurm.sh
fi
if ! "$venv/bin/python" -c 'import hydra_plugins.hydra_submitit_launcher' 2>/dev/null; then
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install 'hydra-core==1.3.8'
  fi
  "$venv/bin/pip" install hydra-submitit-launcher
fi
exec python3 "$here/slurm_bench.py" --config "$repo/target/release/config" --python "$venv/bin/python" "$@"
