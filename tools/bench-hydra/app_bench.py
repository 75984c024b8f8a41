"""Hydra 1.3.8's figures for the application-layer benchmarks of
`config-core/benches/app.rs`, on the same tree with the same overrides.

    HYDRA_PYTHON=/tmp/hvenv/bin/python CONFIG_CLI=target/release/config \
        python3 tools/bench-hydra/app_bench.py [--tree DIR] [--repeat N] [--jobs N]

HYDRA_PYTHON is a virtualenv with hydra-core 1.3.8 (and, for (c),
hydra-joblib-launcher: `pip install hydra-joblib-launcher`); it is never a
dependency of the product. The tree is `../shared/bench/make_tree.py`'s
(2,000 experiments), built under $COMPOSE_BENCH_DIR (default: the temp dir) if
it is not there yet; the overrides are its `overrides.txt`. The app is a
minimal `@hydra.main(version_base="1.3", config_path=None, config_name=None)`
whose task does nothing, written to the work dir ($APP_BENCH_WORK, default
/tmp/app_bench_hydra).

Measures, each `--repeat` times (default 3), wall time and CPU time
(user + system of the child processes, from getrusage):

  (a) `python app.py --config-path TREE --config-name config --cfg job
      <overrides>`, the whole process; and in-process, Hydra's own
      `Hydra.show_cfg` (what `--cfg job` runs after startup) on a warm
      interpreter, stdout discarded;
  (b) the basic launcher: a `-m` sweep of `--jobs` (default 100) jobs
      `trainer.logging_iter=range(0,N)` plus the overrides, with a no-op
      task and `hydra/hydra_logging=none`; the time per job is
      (T(N jobs) - T(1 job)) / (N - 1), which leaves out startup;
  (c) 100 trivial jobs (`x=range(0,100)` over a one-line config.yaml)
      with `hydra/launcher=joblib hydra.launcher.n_jobs=2`: wall time.

With CONFIG_CLI (the `config` binary) the same commands also run through
`config run` (the local launcher stands for joblib), so both sides are
measured the same way; `cargo bench -p config-core --bench app` is the
reference for ours (`config run`'s own task is not a no-op: it resolves and
prints each job's config, ~1.3 ms a job here). Sweeps go to fresh
directories, removed only at the end. Prints a table; nothing is compared
or asserted. Takes about 4 minutes (Hydra's 100-job sweeps, ~70 s each).
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HYDRA_PYTHON = os.environ.get("HYDRA_PYTHON", "/tmp/hvenv/bin/python")
CONFIG_CLI = os.path.abspath(os.environ["CONFIG_CLI"]) if os.environ.get("CONFIG_CLI") else ""
WORK = Path(os.environ.get("APP_BENCH_WORK", "/tmp/app_bench_hydra"))

APP_PY = '''\
import hydra


@hydra.main(version_base="1.3", config_path=None, config_name=None)
def main(cfg):
    pass


if __name__ == "__main__":
    main()
'''

# Hydra's `--cfg job` in-process: the same `Hydra` object `_run_hydra`
# builds, then `show_cfg` timed on a warm interpreter (argv: app.py, tree,
# repeat, overrides...).
IN_PROCESS = '''\
import contextlib, io, sys, time, warnings
warnings.filterwarnings("ignore")
from hydra._internal.hydra import Hydra
from hydra._internal.utils import create_automatic_config_search_path
app, tree, repeat, overrides = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
sp = create_automatic_config_search_path(app, None, tree)
hydra = Hydra.create_main_hydra2("app", sp)
def once():
    with contextlib.redirect_stdout(io.StringIO()):
        hydra.show_cfg("config", overrides, "job", None)
once()
w0, c0 = time.perf_counter(), time.process_time()
for _ in range(repeat):
    once()
print((time.perf_counter() - w0) / repeat, (time.process_time() - c0) / repeat)
'''


def tree_dir(given):
    if given:
        return Path(given)
    base = Path(os.environ.get("COMPOSE_BENCH_DIR", tempfile.gettempdir()))
    # The same directory as benches/app.rs (and compose.rs) use.
    d = base / "compose-bench-tree-2000"
    if not (d / "overrides.txt").exists():
        script = HERE.parent.parent.parent / "shared" / "bench" / "make_tree.py"
        if not script.exists():
            script = Path("/work/shared/bench/make_tree.py")
        subprocess.run([sys.executable, str(script), str(d), "--experiments", "2000"],
                       check=True, stdout=subprocess.DEVNULL)
    return d


class Failed(Exception):
    pass


def timed(cmd, cwd=None):
    """Runs cmd (output discarded); returns (wall s, CPU s of the child)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise Failed(f"exit {p.returncode}: {' '.join(map(str, cmd))}\n{p.stderr.decode()[-2000:]}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def repeat(n, cmd, sweep_arg=None, cwd=None):
    """n runs of cmd; with sweep_arg (a function of a directory, giving the
    sweep-dir override), each run sweeps into a fresh directory under
    WORK/sweeps. Nothing is deleted between runs: on ext4, creating files
    among thousands of just-deleted inodes is slow (`recently_deleted` in
    the kernel's inode allocator) and would be measured; `main` removes
    them at the end."""
    out = []
    for _ in range(n):
        extra = [sweep_arg(fresh_dir())] if sweep_arg else []
        out.append(timed(cmd + extra, cwd))
    return out


_SWEEPS = [0]


def fresh_dir():
    _SWEEPS[0] += 1
    return WORK / "sweeps" / f"{os.getpid()}-{_SWEEPS[0]}"


def span(values, scale=1.0, unit="ms"):
    lo, hi = min(values) * scale, max(values) * scale
    fmt = (lambda v: f"{v:.3g}")
    return f"{fmt(lo)} {unit}" if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)} {unit}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=100)
    ap.add_argument("--skip", default="", help="comma list of a,b,c to skip")
    a = ap.parse_args()
    skip = set(a.skip.split(",")) - {""}
    tree = tree_dir(a.tree)
    overrides = [l.strip() for l in (tree / "overrides.txt").read_text().splitlines() if l.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    app = WORK / "app.py"
    app.write_text(APP_PY)
    small = WORK / "small"
    small.mkdir(exist_ok=True)
    (small / "config.yaml").write_text("x: 0\n")
    hy = [HYDRA_PYTHON, str(app)]
    ours = [CONFIG_CLI, "run"] if CONFIG_CLI else None
    base = ["--config-path", str(tree), "--config-name", "config"]
    rows = []  # (what, hydra, ours)

    def both(label, args, sweep_arg=None, n=a.repeat, scale=1e3, unit="ms"):
        h = repeat(n, hy + args, sweep_arg, cwd=WORK)
        o = repeat(n, ours + args, sweep_arg, cwd=WORK) if ours else None
        for i, kind in ((0, "wall"), (1, "CPU")):
            rows.append((f"{label}, {kind}", span([x[i] for x in h], scale, unit),
                         span([x[i] for x in o], scale, unit) if o else "-"))
        return h, o

    print(f"tree {tree}, overrides {' '.join(overrides)}", file=sys.stderr)
    print(f"hydra: {HYDRA_PYTHON}; ours: {CONFIG_CLI or '(not measured)'}", file=sys.stderr)
    if "a" not in skip:
        both("(a) --cfg job, whole process", base + ["--cfg", "job"] + overrides,
             n=max(a.repeat, 10))
        n = 20
        out = subprocess.run([HYDRA_PYTHON, "-c", IN_PROCESS, str(app), str(tree), str(n)] + overrides,
                             check=True, capture_output=True, text=True).stdout.split()
        rows.append(("(a) --cfg job in-process (Hydra.show_cfg), wall / CPU",
                     f"{float(out[0]) * 1e3:.0f} / {float(out[1]) * 1e3:.0f} ms", "see cargo bench"))
    if "b" not in skip:
        per = []
        for jobs in (1, a.jobs):
            args = base + ["-m", "hydra/hydra_logging=none",
                           f"trainer.logging_iter=range(0,{jobs})"] + overrides
            h, o = both(f"(b) basic launcher, {jobs}-job sweep", args,
                        sweep_arg=lambda d: f"hydra.sweep.dir={d}", scale=1.0, unit="s")
            per.append((h, o))
        (h1, o1), (hn, on) = per
        def per_job(one, many, i):
            return [(m[i] - min(x[i] for x in one)) / (a.jobs - 1) for m in many]
        for i, kind in ((0, "wall"), (1, "CPU")):
            rows.append((f"(b) basic launcher, per job, {kind}",
                         span(per_job(h1, hn, i), 1e3),
                         span(per_job(o1, on, i), 1e3) if on else "-"))
    if "c" not in skip:
        args = ["--config-path", str(small), "--config-name", "config", "-m",
                "hydra.launcher.n_jobs=2", "x=range(0,100)"]
        sweep_arg = lambda d: f"hydra.sweep.dir={d}"
        h = repeat(a.repeat, hy + args + ["hydra/launcher=joblib"], sweep_arg, cwd=WORK)
        o = "-"
        if ours:
            try:
                o = span([x[0] for x in repeat(a.repeat, ours + args + ["hydra/launcher=local"],
                                               sweep_arg, cwd=WORK)], 1.0, "s")
            except Failed as e:
                print(f"ours, (c): {e}", file=sys.stderr)
                o = "failed"
        rows.append(("(c) 100 jobs, joblib (Hydra) / local (ours), n_jobs=2, wall",
                     span([x[0] for x in h], 1.0, "s"), o))
    shutil.rmtree(WORK / "sweeps", ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'Hydra 1.3.8':>18}  {'ours':>18}")
    for what, h, o in rows:
        print(f"{what:<{width}}  {h:>18}  {o:>18}")


if __name__ == "__main__":
    main()
