//! The batch script: plain bash, kept in the sweep dir so a run can be
//! reproduced or resubmitted by hand (`sbatch <sweep_dir>/slurm/submit.sh`).
//!
//! One script for the whole sweep, submitted as one job array: array task
//! `i` runs job `i`'s command line (this program, its flags, the job's
//! overrides and number), in that job's dir. Around it a small wrapper:
//! - writes `job_status.yaml` in the job's dir (state, exit code, start and
//!   end times, restarts), so nothing depends on `sacct`;
//! - sends the job's stdout and stderr to `stdout.log` and `stderr.log`;
//! - forwards SLURM's `SIGUSR1` (sent `signal_delay_s` before the time
//!   limit) to the program, and once the program has returned, requeues the
//!   job (`scontrol requeue`) up to `max_num_timeout` times;
//! - runs multi-task jobs under `srun`.

use super::params::Params;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// One array task: the job's dir and command line.
pub(super) struct Task {
    /// The job's output dir.
    pub dir: PathBuf,
    /// The program and its arguments.
    pub command: Vec<OsString>,
}

/// Renders the batch script for `tasks` (an array when `array` is set).
pub(super) fn render(
    params: &Params,
    slurm_dir: &Path,
    tasks: &[Task],
    array: bool,
) -> Result<String, String> {
    let mut s = String::from("#!/bin/bash\n");
    s.push_str("# Written by config-core's SLURM launcher. Resubmit by hand with `sbatch ");
    s.push_str(&slurm_dir.join("submit.sh").to_string_lossy());
    s.push_str("`.\n");
    let log = if array { "%A_%a.out" } else { "%j.out" };
    s.push_str(&format!(
        "#SBATCH --output={}\n",
        slurm_dir.join("logs").join(log).display()
    ));
    if array {
        s.push_str(&format!(
            "#SBATCH --array=0-{}%{}\n",
            tasks.len().saturating_sub(1),
            params.array_parallelism
        ));
    }
    for line in params.sbatch_lines() {
        s.push_str(&format!("#SBATCH {line}\n"));
    }
    s.push_str("set -u\n");
    if !params.setup.is_empty() {
        s.push_str("\n# setup\n");
        for line in &params.setup {
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str("\ncase \"${SLURM_ARRAY_TASK_ID:-0}\" in\n");
    for (i, t) in tasks.iter().enumerate() {
        let words: Vec<String> = t
            .command
            .iter()
            .map(|w| quote(&w.to_string_lossy()))
            .collect::<Result<_, _>>()?;
        s.push_str(&format!(
            "{i}) dir={}; cmd=({}) ;;\n",
            quote(&t.dir.to_string_lossy())?,
            words.join(" ")
        ));
    }
    s.push_str(
        "*) echo \"no job for array task ${SLURM_ARRAY_TASK_ID:-0}\" >&2; exit 1 ;;\nesac\n",
    );
    s.push_str(&format!(
        "ntasks={}\nmax_requeue={}\n",
        params.ntasks(),
        params.max_num_timeout
    ));
    let srun: Vec<String> = params
        .srun_args
        .iter()
        .map(|a| quote(a))
        .collect::<Result<_, _>>()?;
    s.push_str(&format!("srun_args=({})\n", srun.join(" ")));
    s.push_str(WRAPPER);
    Ok(s)
}

/// Quotes one word for bash.
fn quote(word: &str) -> Result<String, String> {
    shlex::try_quote(word)
        .map(|q| q.into_owned())
        .map_err(|_| format!("cannot write {word:?} into a shell script (it holds a NUL byte)"))
}

/// The part of the script that is the same for every sweep.
const WRAPPER: &str = r#"
mkdir -p "$dir"
if [ -n "${SLURM_ARRAY_JOB_ID:-}" ]; then id="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"; else id="$SLURM_JOB_ID"; fi
restarts="${SLURM_RESTART_COUNT:-0}"
start=$(date +%s.%N)
record() { # state exit_code end
  local tmp="$dir/.job_status.yaml.$$"
  printf 'state: %s\nexit_code: %s\nslurm_job_id: "%s"\nrestarts: %s\nhost: %s\nstart: %s\nend: %s\n' \
    "$1" "$2" "$id" "$restarts" "$(hostname)" "$start" "$3" > "$tmp" && mv -f "$tmp" "$dir/job_status.yaml"
}
record RUNNING null null
usr1=0
pid=
trap 'usr1=1; if [ -n "$pid" ]; then kill -USR1 "$pid" 2>/dev/null; fi' USR1
if [ "$ntasks" -gt 1 ]; then
  srun --ntasks="$ntasks" "${srun_args[@]}" "${cmd[@]}" >>"$dir/stdout.log" 2>>"$dir/stderr.log" &
else
  "${cmd[@]}" >>"$dir/stdout.log" 2>>"$dir/stderr.log" &
fi
pid=$!
# `wait` returns early when a trapped signal arrives: wait until the job ends.
while :; do
  wait "$pid"; rc=$?
  kill -0 "$pid" 2>/dev/null || break
done
end=$(date +%s.%N)
if [ "$usr1" = 1 ] && [ "$restarts" -lt "$max_requeue" ]; then
  record REQUEUED "$rc" "$end"
  # SLURM ends this script as it requeues the job; a waiting launcher lets
  # the job start again without SLURM's requeue delay.
  scontrol requeue "$id"
  exit 0
fi
if [ "$rc" = 0 ]; then
  record COMPLETED 0 "$end"
elif [ "$usr1" = 1 ]; then
  record TIMEOUT "$rc" "$end"
else
  record FAILED "$rc" "$end"
fi
exit "$rc"
"#;
