"""Whole-process A/B timing of `config compose` (paired runs, interleaved).

    python3 tools/bench-process/ab.py TREE BIN_A [BIN_B ...] [--runs N]

Runs `BIN compose --config-dir TREE -- <TREE/overrides.txt>` N times per
binary (default 300), the binaries interleaved run by run so that load from
other work on the machine falls on all of them alike, stdout discarded.
Prints per binary the median and minimum wall time, the median CPU time
(user + system, from wait4) and its ratio to the first binary's, and the
peak resident memory of one run (GNU time's `%M`; wait4's `ru_maxrss`
counts this interpreter's pages in a spawned child). On a shared machine
the CPU times and the minima are the figures to compare. Nothing is
asserted.
"""
import argparse
import os
import statistics
import subprocess
import time


def peak_rss_kib(cmd):
    """Peak RSS of one run of `cmd`, from GNU time (None without it)."""
    try:
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(out.stderr.strip().splitlines()[-1])


def run_once(cmd):
    """Wall seconds and CPU seconds of one run of `cmd`."""
    start = time.perf_counter()
    # close_fds=False lets Python use posix_spawn: the child's figures are
    # then its own, not those of a copy of this interpreter.
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, close_fds=False)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with status {p.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--name", default="config")
    a = ap.parse_args()
    overrides = [l for l in open(os.path.join(a.tree, "overrides.txt")).read().splitlines() if l.strip()]
    cmds = [[b, "compose", "--config-dir", a.tree, "--config-name", a.name, "--", *overrides] for b in a.bins]
    for c in cmds:
        run_once(c)
    runs = [[] for _ in cmds]
    for _ in range(a.runs):
        for i, c in enumerate(cmds):
            runs[i].append(run_once(c))
    base_cpu = statistics.median(r[1] for r in runs[0])
    for b, rs in zip(a.bins, runs):
        walls = sorted(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        rss = peak_rss_kib(cmds[a.bins.index(b)])
        print(
            f"{b}: wall median {statistics.median(walls) * 1e3:.3f} ms, min {walls[0] * 1e3:.3f} ms; "
            f"CPU median {cpu * 1e3:.3f} ms ({cpu / base_cpu:.2f}x); peak RSS {rss} KiB"
        )


if __name__ == "__main__":
    main()
