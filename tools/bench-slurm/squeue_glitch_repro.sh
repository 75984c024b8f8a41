#!/bin/bash
# Reproduces a fault of hydra/launcher=slurm with wait=true: ONE failed
# `squeue` call (as when slurmctld is busy: "slurm_load_jobs error: Socket
# timed out on send/recv operation", exit 1) is read as "every job left the
# queue", so jobs still pending are reported FAILED ("left the queue without
# starting (cancelled?)") and the command exits 1 while SLURM still runs them.
#
# A shim on PATH makes the first squeue call made 16 s or more after the
# first one fail; 24 one-second jobs on a 2-CPU node are still queued then.
# Leaves the rest of the array running: cancel it with the printed scancel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
config=${CONFIG:-$repo/target/release/config}
work=$(mktemp -d /tmp/squeue-glitch.XXXXXX)
mkdir -p "$work/conf" "$work/shim"
echo 'x: 0' > "$work/conf/config.yaml"
cat > "$work/shim/squeue" <<SHIM
#!/bin/bash
[ -f $work/first ] || echo \$EPOCHSECONDS > $work/first
if [ ! -f $work/failed ] && [ \$((EPOCHSECONDS - \$(cat $work/first))) -ge 16 ]; then
  touch $work/failed
  echo "slurm_load_jobs error: Socket timed out on send/recv operation" >&2
  exit 1
fi
exec /usr/bin/squeue "\$@"
SHIM
chmod +x "$work/shim/squeue"
while [ -n "$(squeue -h)" ]; do sleep 1; done
cd "$work"
set +e
PATH="$work/shim:$PATH" "$config" run --config-path "$work/conf" --config-name config \
  -m 'x=range(0,24)' hydra/launcher=slurm hydra.launcher.partition=debug hydra.sweep.dir="$work/sweep" \
  --exec sh -c 'sleep 1; date +%s.%N > "$CONFIG_OUTPUT_DIR/task_start"'
rc=$?
set -e
id=$(sed -n 's/^job_id: *//p' "$work/sweep/slurm/submission.yaml" | tr -d "'\"")
echo "config run exited $rc; the glitch happened: $([ -f "$work/failed" ] && echo yes || echo no)"
echo "still in SLURM's queue right after:"
squeue -h -j "$id" || true
echo "cancel with: scancel $id   (files in $work)"
