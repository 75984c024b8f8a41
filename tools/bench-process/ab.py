"""Whole-process A/B timing of `config compose` (paired runs, interleaved).

    python3 tools/bench-process/ab.py TREE BIN_A [BIN_B ...] [--runs N]

Runs `BIN compose --config-dir TREE -- <TREE/overrides.txt>` N times per
binary (default 300), the binaries interleaved run by run so that load from
other work on the machine falls on all of them alike, stdout discarded.
Prints the median and the 10th/90th percentile of the wall time per run,
each binary's median as a ratio of the first one's, and the peak resident
memory of one run (`ru_maxrss` from wait4). Nothing is asserted.
"""
import argparse
import os
import statistics
import subprocess
import time


def peak_rss_kib(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    p.returncode = 0
    return usage.ru_maxrss


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
        subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
    times = [[] for _ in cmds]
    for _ in range(a.runs):
        for i, c in enumerate(cmds):
            t = time.perf_counter()
            subprocess.run(c, stdout=subprocess.DEVNULL)
            times[i].append(time.perf_counter() - t)
    base = statistics.median(times[0])
    for b, ts in zip(a.bins, times):
        ts.sort()
        med = statistics.median(ts)
        p10, p90 = ts[len(ts) // 10], ts[len(ts) * 9 // 10]
        rss = peak_rss_kib(cmds[a.bins.index(b)])
        print(f"{b}: median {med*1e3:.3f} ms (p10 {p10*1e3:.3f}, p90 {p90*1e3:.3f}), {med/base:.2f}x, peak RSS {rss} KiB")


if __name__ == "__main__":
    main()
