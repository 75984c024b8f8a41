//! `SIGUSR1` as the job's "checkpoint now" event. SLURM sends it
//! `signal_delay_s` before a job's time limit (`--signal=B:USR1@N`); the
//! job wrapper forwards it to the program, whose task sees
//! [`Job::checkpoint_requested`](super::Job::checkpoint_requested).

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

/// The process's checkpoint flag, set by `SIGUSR1`. The handler is
/// installed once, the first time a job asks (a process runs its jobs one
/// after another; the flag is per process, as the signal is).
pub(super) fn checkpoint_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        {
            // Registration fails only for forbidden signals; USR1 is not one.
            let _ = signal_hook::flag::register(signal_hook::consts::SIGUSR1, flag.clone());
        }
        flag
    })
    .clone()
}
