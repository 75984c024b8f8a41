#!/usr/bin/env python3
"""Benchmarks the SLURM launcher (hydra/launcher=slurm) against Hydra 1.3's
submitit launcher on the local cluster. Standard library only.

Three measurements, each repeated --reps times (default 3) and interleaved
(A1 B1 C1 A2 B2 C2 ...), each after the queue is empty:

  A  ours, wait=false: a 100-job array is composed and submitted; the time of
     the sbatch call (the launcher's own log line) and of the whole command.
     The jobs are then left to finish (and give per-job overheads too).
  B  ours, wait=true: the whole sweep, submit to final report; per-job
     overhead (wrapper start -> task start); SLURM's dispatch gaps; the
     launcher's polling latency (last job end -> exit) and its squeue calls.
  C  Hydra 1.3.8 + hydra-submitit-launcher on the same sweep, waiting for the
     results as it always does; per-job overhead from the batch script's
     start (a `setup` line) to the task's time.time().

A run during which another user's job ran (seen RUNNING by a 1 s squeue
sampler, or with a StartTime in the run's window in `scontrol show job`) is
flagged and retried, up to --attempts times; jobs only queued behind ours
are recorded (they wait: priority/basic orders by submission).

Usage: slurm_bench.py [--reps 3] [--jobs 100] [--out DIR] [--only A,B,C]
Writes OUT/results.json (every raw figure) and OUT/results.md (the table).
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TASK = 'date +%s.%N > "$CONFIG_OUTPUT_DIR/task_start"'

SHIM = """#!/bin/bash
# timing shim for {name}: records start and end (epoch seconds) of each call
t0=$EPOCHREALTIME
/usr/bin/{name} "$@"
rc=$?
echo "$t0 $EPOCHREALTIME $rc" >> "${{BENCH_SHIM_DIR:-/tmp}}/{name}.calls"
exit $rc
"""


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def queue_ids():
    """Array/job ids (%F) of everything in the queue, or None if squeue failed."""
    r = sh("squeue", "-h", "-o", "%F")
    if r.returncode != 0:
        return None
    return {l.strip() for l in r.stdout.split() if l.strip()}


def queue_states():
    """{(array/job id, state)} of the queue, or None if squeue failed."""
    r = sh("squeue", "-h", "-o", "%F|%T")
    if r.returncode != 0:
        return None
    return {tuple(l.split("|", 1)) for l in r.stdout.split() if "|" in l}


def wait_idle(max_wait_s, settle_s=2.0):
    """Waits until `squeue -h` is empty (twice, settle_s apart)."""
    t0 = time.time()
    while True:
        q = queue_ids()
        if q == set():
            time.sleep(settle_s)
            if queue_ids() == set():
                return time.time() - t0
        if time.time() - t0 > max_wait_s:
            log(f"queue still busy after {max_wait_s:.0f}s: {sorted(q or [])}; measuring anyway")
            return time.time() - t0
        time.sleep(1.0)


class Sampler(threading.Thread):
    """Samples the queue (job ids and states) every second while a run lasts."""

    def __init__(self):
        super().__init__(daemon=True)
        self.seen = set()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            q = queue_states()
            if q:
                self.seen |= q
            self.stop.wait(1.0)


def slurm_time(s):
    try:
        return time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))
    except (ValueError, TypeError):
        return None


def foreign_jobs(ours, t_start, t_end, sampled):
    """Other users' jobs during [t_start, t_end]: (those that ran, those
    only queued behind ours, their scontrol lines). Only the first disturb
    a measurement: they take CPUs. Pending ones wait behind our array
    (priority/basic orders by submission)."""
    ours = set(ours)
    ran = {i.split("_")[0] for i, st in sampled
           if i.split("_")[0] not in ours and st in ("RUNNING", "COMPLETING", "CONFIGURING")}
    queued = {i.split("_")[0] for i, st in sampled if i.split("_")[0] not in ours}
    lines = {}
    r = sh("scontrol", "show", "job", "-o")
    for line in r.stdout.splitlines():
        f = dict(w.split("=", 1) for w in line.split() if "=" in w)
        jid = f.get("ArrayJobId") or f.get("JobId", "")
        if jid in ours:
            continue
        sub, start, end = (slurm_time(f.get(k)) for k in ("SubmitTime", "StartTime", "EndTime"))
        # 1 s resolution: widen our window by a second either side
        if sub is not None and sub <= t_end + 1 and (end is None or end >= t_start - 1):
            queued.add(jid)
            lines[jid] = " ".join(w for w in line.split() if w.split("=")[0] in
                                  ("JobId", "JobName", "JobState", "SubmitTime", "StartTime", "EndTime"))
            if start is not None and start <= t_end and (end is None or end >= t_start):
                ran.add(jid)
    return sorted(ran), sorted(queued - ran), lines


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def busy_pct(t0, t1):
    return 100.0 * (t1[0] - t0[0]) / max(1, t1[1] - t0[1])


def wait_gone(job_id, timeout_s):
    t0 = time.time()
    while time.time() - t0 < timeout_s:
        r = sh("squeue", "-h", "-j", job_id)
        if r.returncode != 0 or not r.stdout.strip():
            return
        time.sleep(1.0)
    log(f"job {job_id} still queued after {timeout_s}s; cancelling it")
    sh("scancel", job_id)


def read_kv(path):
    out = {}
    try:
        for line in Path(path).read_text().splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip().strip('"')
    except OSError:
        pass
    return out


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def read_float(path):
    try:
        return float(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    xs = sorted(xs)
    return {
        "n": len(xs),
        "min": xs[0],
        "median": statistics.median(xs),
        "p90": xs[min(len(xs) - 1, int(0.9 * len(xs)))],
        "max": xs[-1],
    }


def ctld_log():
    r = sh("scontrol", "show", "config")
    m = re.search(r"^SlurmctldLogFile\s*=\s*(\S+)", r.stdout, re.M)
    return Path(m.group(1)) if m and m.group(1) != "(null)" else None


def allocations(job_id, n):
    """When slurmctld allocated each array task (its log, ms resolution), or
    Nones when the log is not readable here."""
    out = [None] * n
    path = ctld_log()
    if not job_id or path is None:
        return out
    pat = re.compile(r"^\[(\S+)\] (?:sched: Allocate|backfill: Started|sched/backfill: \S+: Started) "
                     r"JobId=" + re.escape(job_id) + r"_(\d+)\(")
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = pat.match(line)
                if m:
                    day, frac = m.group(1).split(".")
                    i = int(m.group(2))
                    if i < n and out[i] is None:
                        out[i] = time.mktime(time.strptime(day, "%Y-%m-%dT%H:%M:%S")) + int(frac) / 1000
    except OSError:
        pass
    return out


def dispatch_gaps(starts, ends, slots):
    """SLURM's gap between a job ending and the next one starting on the
    freed CPU: the k-th start after the first `slots` paired with the k-th
    end (every job takes one of `slots` CPUs)."""
    s = sorted(x for x in starts if x is not None)[slots:]
    e = sorted(x for x in ends if x is not None)
    return [a - b for a, b in zip(s, e)]


def run_cmd(cmd, cwd, env, timeout_s):
    """Runs cmd; returns (t_start, t_end, cpu_s of the children, stdout, stderr, rc)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    t1 = time.time()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return t0, t1, cpu, p.stdout, p.stderr, p.returncode


def shim_calls(shim_dir, name):
    out = []
    try:
        for line in (shim_dir / f"{name}.calls").read_text().splitlines():
            a, b, rc = line.split()
            out.append((float(a), float(b), int(rc)))
    except OSError:
        pass
    return out


class Bench:
    def __init__(self, args):
        self.a = args
        self.root = Path(args.out).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.conf = self.root / "conf"
        self.conf.mkdir(exist_ok=True)
        (self.conf / "config.yaml").write_text("x: 0\n")
        self.shims = self.root / "shims"
        self.shims.mkdir(exist_ok=True)
        for name in ("sbatch", "squeue"):
            p = self.shims / name
            p.write_text(SHIM.format(name=name))
            p.chmod(0o755)
        # A private copy: another user rebuilding target/release mid-run
        # must not change the binary that the queued jobs run.
        src = Path(args.config).resolve()
        (self.root / "bin").mkdir(exist_ok=True)
        self.config = str(self.root / "bin" / "config")
        shutil.copy2(src, self.config)
        self.binary = {"source": str(src),
                       "mtime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(src.stat().st_mtime)),
                       "sha256": hashlib.sha256(Path(self.config).read_bytes()).hexdigest()[:16]}
        self.python = args.python
        self.runs = []
        self.n = args.jobs

    def env(self, shim_dir=None):
        e = dict(os.environ)
        e.pop("CONFIG_RUN_START", None)
        if shim_dir is not None:
            e["PATH"] = f"{self.shims}:{e['PATH']}"
            e["BENCH_SHIM_DIR"] = str(shim_dir)
        return e

    def common(self, sweep):
        return [
            "--config-path", str(self.conf), "--config-name", "config", "-m",
            f"x=range(0,{self.n})",
        ], [
            "hydra.launcher.partition=debug",
            "hydra.launcher.timeout_min=5",
            "hydra.launcher.array_parallelism=100",
            f"hydra.sweep.dir={sweep}",
        ]

    # --- one run of each kind -------------------------------------------------

    def ours(self, sweep, wait):
        head, tail = self.common(sweep)
        cmd = [self.config, "run", *head, "hydra/launcher=slurm",
               f"hydra.launcher.wait={'true' if wait else 'false'}", *tail,
               "--exec", "sh", "-c", TASK]
        shim_dir = sweep.parent / (sweep.name + ".shim")
        shim_dir.mkdir(parents=True, exist_ok=True)
        # A (wait=false) runs without the timing shims: nothing between the
        # launcher and sbatch. B uses them to time sbatch and count polls.
        env = self.env(shim_dir if wait else None)
        t0, t1, cpu, out, err, rc = run_cmd(cmd, self.root, env, self.a.run_timeout)
        m = re.search(r"Submitted (\d+) jobs to SLURM as job (\S+) in (\d+) ms", out + err)
        job_id = m.group(2) if m else None
        r = {"cmd": cmd, "rc": rc, "t_start": t0, "t_end": t1, "cmd_s": t1 - t0,
             "cpu_s": cpu, "job_id": job_id,
             "launcher_sbatch_ms": float(m.group(3)) if m else None}
        if not wait and job_id:
            wait_gone(job_id, self.a.run_timeout)
            r["t_drained"] = time.time()
        (sweep.parent / (sweep.name + ".stdout")).write_text(out)
        (sweep.parent / (sweep.name + ".stderr")).write_text(err)
        starts, ends, tasks = [], [], []
        for i in range(self.n):
            st = read_kv(sweep / str(i) / "job_status.yaml")
            starts.append(fnum(st.get("start")))
            ends.append(fnum(st.get("end")))
            tasks.append(read_float(sweep / str(i) / "task_start"))
        r.update(self.per_job(starts, ends, tasks))
        sb = shim_calls(shim_dir, "sbatch")
        sq = shim_calls(shim_dir, "squeue")
        if sb:
            r["shim_sbatch_ms"] = (sb[0][1] - sb[0][0]) * 1000
            r["t_sbatch_return"] = sb[0][1]
            r["submit_step_s"] = sb[0][1] - t0
        r["squeue_calls"] = len(sq) if wait else None
        r["squeue_s_total"] = sum(b - a for a, b, _ in sq) if wait else None
        if sq:
            intervals = [sq[k + 1][0] - sq[k][0] for k in range(len(sq) - 1)]
            r["poll_interval_max_s"] = max(intervals) if intervals else None
        self.timeline(r, starts, ends)
        return r

    def submitit(self, sweep):
        head, tail = self.common(sweep)
        setup = f'hydra.launcher.setup=["echo $EPOCHREALTIME > {sweep}/ws_$SLURM_ARRAY_TASK_ID"]'
        cmd = [self.python, str(HERE / "app.py"), *head, "hydra/launcher=submitit_slurm",
               *tail, setup]
        shim_dir = sweep.parent / (sweep.name + ".shim")
        shim_dir.mkdir(parents=True, exist_ok=True)
        t0, t1, cpu, out, err, rc = run_cmd(cmd, self.root, self.env(shim_dir), self.a.run_timeout)
        (sweep.parent / (sweep.name + ".stdout")).write_text(out)
        (sweep.parent / (sweep.name + ".stderr")).write_text(err)
        sub = sweep / ".submitit"
        ids = sorted({p.name.split("_")[0] for p in sub.glob("*_0")}) if sub.exists() else []
        job_id = ids[0] if ids else None
        r = {"cmd": cmd, "rc": rc, "t_start": t0, "t_end": t1, "cmd_s": t1 - t0,
             "cpu_s": cpu, "job_id": job_id,
             "sacct_calls": len(set(re.findall(r"Call #(\d+) - Bypassing sacct", out + err)))}
        starts, ends, tasks, first_log, pickle_load = [], [], [], [], []
        for i in range(self.n):
            starts.append(read_float(sweep / f"ws_{i}"))
            tasks.append(read_float(sweep / str(i) / "task_start"))
            lf = sub / f"{job_id}_{i}" / f"{job_id}_{i}_0_log.out"
            t_first = t_load = t_exit = None
            try:
                for line in lf.read_text().splitlines():
                    mm = re.match(r"submitit INFO \((\S+ \S+)\) - (.*)", line)
                    if not mm:
                        continue
                    day, frac = mm.group(1).split(",")
                    ts = time.mktime(time.strptime(day, "%Y-%m-%d %H:%M:%S")) + int(frac) / 1000
                    if t_first is None:
                        t_first = ts
                    if mm.group(2).startswith("Loading pickle"):
                        t_load = ts
                    if mm.group(2).startswith("Exiting after"):
                        t_exit = ts
            except OSError:
                pass
            first_log.append(t_first)
            pickle_load.append(t_load)
            ends.append(t_exit)
        r.update(self.per_job(starts, ends, tasks))
        r["to_first_log_ms"] = stats(
            [(f - s) * 1000 for s, f in zip(starts, first_log) if s and f])
        r["first_log_to_task_ms"] = stats(
            [(t - f) * 1000 for f, t in zip(first_log, tasks) if f and t])
        sb = shim_calls(shim_dir, "sbatch")
        if sb:
            r["shim_sbatch_ms"] = (sb[0][1] - sb[0][0]) * 1000
            r["t_sbatch_return"] = sb[0][1]
            r["submit_step_s"] = sb[0][1] - t0
        self.timeline(r, starts, ends)
        return r

    def per_job(self, starts, ends, tasks):
        over = [(t - s) * 1000 for s, t in zip(starts, tasks) if s is not None and t is not None]
        dur = [(e - s) * 1000 for s, e in zip(starts, ends) if s is not None and e is not None]
        return {"jobs_ok": sum(t is not None for t in tasks), "overhead_ms": stats(over),
                "job_duration_ms": stats(dur), "_starts": starts, "_ends": ends, "_tasks": tasks}

    def timeline(self, r, starts, ends):
        alloc = allocations(r.get("job_id"), self.n)
        r["_alloc"] = alloc
        r["alloc_to_script_ms"] = stats(
            [(s - a) * 1000 for a, s in zip(alloc, starts) if a is not None and s is not None])
        ticks = sorted({round(a, 1) for a in alloc if a is not None})
        r["alloc_tick_s"] = stats([b - a for a, b in zip(ticks, ticks[1:])])
        s = [x for x in starts if x is not None]
        e = [x for x in ends if x is not None]
        if not s or not e:
            return
        ref = r.get("t_sbatch_return") or r["t_start"]
        r["first_start_s"] = min(s) - ref
        r["last_end_s"] = max(e) - ref
        r["dispatch_gap_s"] = stats(dispatch_gaps(starts, ends, self.a.slots))
        r["end_to_exit_s"] = r["t_end"] - max(e)
        if r.get("t_sbatch_return"):
            r["sbatch_to_exit_s"] = r["t_end"] - r["t_sbatch_return"]

    # --- the measurement loop -------------------------------------------------

    def measure(self, kind, rep):
        for attempt in range(1, self.a.attempts + 1):
            waited = wait_idle(self.a.idle_timeout)
            name = f"{kind}{rep}" + (f"_try{attempt}" if attempt > 1 else "")
            sweep = self.root / "runs" / name
            if sweep.exists():
                shutil.rmtree(sweep)
            sweep.parent.mkdir(parents=True, exist_ok=True)
            log(f"{name}: start (waited {waited:.0f}s for an empty queue)")
            sampler = Sampler()
            sampler.start()
            load0, ticks0 = os.getloadavg()[0], cpu_ticks()
            if kind == "A":
                r = self.ours(sweep, wait=False)
            elif kind == "B":
                r = self.ours(sweep, wait=True)
            else:
                r = self.submitit(sweep)
            sampler.stop.set()
            sampler.join()
            r["cpu_busy_pct"] = busy_pct(ticks0, cpu_ticks())
            r["loadavg_1m_start"] = load0
            t_last = r.get("t_drained", r["t_end"])
            ran, queued, lines = foreign_jobs([r["job_id"]] if r["job_id"] else [],
                                              r["t_start"], t_last, sampler.seen)
            r["foreign_jobs"], r["foreign_queued_only"], r["foreign_detail"] = ran, queued, lines
            r.update({"kind": kind, "rep": rep, "attempt": attempt, "name": name,
                      "idle_wait_s": waited})
            r["clean"] = (not r["foreign_jobs"] and r["rc"] == 0 and r["jobs_ok"] == self.n)
            self.runs.append(r)
            log(f"{name}: rc={r['rc']} jobs_ok={r['jobs_ok']} cmd={r['cmd_s']:.2f}s "
                f"overhead median={fmt(r['overhead_ms'], 'median')} ms busy={r['cpu_busy_pct']:.0f}% "
                f"foreign ran={r['foreign_jobs']} queued={r['foreign_queued_only']}")
            self.save()
            if r["clean"]:
                return
            log(f"{name}: not clean, retrying")

    def local_breakdown(self):
        """Our job outside SLURM: the kept batch script run by hand with
        bash, the job's command line alone, and the task (sh -c date) alone."""
        src = next((r for r in reversed(self.runs) if r["kind"] in "AB" and r["jobs_ok"]), None)
        if src is None:
            return {}
        sweep = self.root / "runs" / src["name"]
        text = (sweep / "slurm" / "submit.sh").read_text()
        scratch = self.root / "runs" / "local"
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(parents=True)
        script = scratch / "submit.sh"
        script.write_text(text.replace(str(sweep), str(scratch)))
        reps = self.a.local_reps
        env = self.env()
        wait_idle(self.a.idle_timeout)
        ticks0 = cpu_ticks()
        wrapped, direct, task_only = [], [], []
        for i in range(reps):
            e = dict(env, SLURM_ARRAY_JOB_ID="0", SLURM_ARRAY_TASK_ID=str(i % self.n),
                     SLURM_JOB_ID="0")
            subprocess.run(["bash", str(script)], cwd=self.root, env=e, check=False)
            d = scratch / str(i % self.n)
            s = fnum(read_kv(d / "job_status.yaml").get("start"))
            t = read_float(d / "task_start")
            if s and t:
                wrapped.append((t - s) * 1000)
        line = next(l for l in script.read_text().splitlines() if l.startswith("0) dir="))
        words = shlex.split(line[line.index("cmd=(") + 5: line.rindex(")")])
        for i in range(reps):
            d = scratch / f"direct{i}"
            w = [d.as_posix() if k > 0 and words[k - 1] == "--launcher-output-dir" else x
                 for k, x in enumerate(words)]
            t0 = time.time()
            subprocess.run(w, cwd=self.root, env=env, capture_output=True)
            t = read_float(d / "task_start")
            if t:
                direct.append((t - t0) * 1000)
            f = scratch / f"sh{i}"
            t0 = time.time()
            subprocess.run(["sh", "-c", f"date +%s.%N > {f}"], env=env)
            t = read_float(f)
            if t:
                task_only.append((t - t0) * 1000)
        return {"wrapper_to_task_ms": stats(wrapped), "command_to_task_ms": stats(direct),
                "sh_date_ms": stats(task_only), "cpu_busy_pct": busy_pct(ticks0, cpu_ticks())}

    def save(self, extra=None):
        data = {"meta": self.meta(), "runs": self.runs}
        if extra:
            data.update(extra)
        (self.root / "results.json").write_text(json.dumps(data, indent=1, default=str))

    def meta(self):
        def out(*c):
            try:
                return sh(*c).stdout.strip()
            except OSError:
                return None
        return {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "jobs": self.n, "reps": self.a.reps, "slots": self.a.slots,
            "git": out("git", "-C", str(REPO), "describe", "--always", "--dirty"),
            "binary": self.binary,
            "slurm": out("sinfo", "--version"),
            "node": out("scontrol", "show", "node", "-o"),
            "kernel": out("uname", "-sr"),
            "cpu": next((l.split(":", 1)[1].strip() for l in
                         Path("/proc/cpuinfo").read_text().splitlines()
                         if l.startswith("model name")), None),
            "python_pkgs": out(self.python, "-c",
                               "import importlib.metadata as m;print(' '.join(f'{p}=={m.version(p)}' "
                               "for p in ['hydra-core','omegaconf','submitit','hydra-submitit-launcher']))"),
        }


def fmt(s, key, scale=1.0, digits=0):
    if not s or s.get(key) is None:
        return "-"
    return f"{s[key] * scale:.{digits}f}"


def rng(vals, digits=0, unit=""):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    lo, hi = min(vals), max(vals)
    if f"{lo:.{digits}f}" == f"{hi:.{digits}f}":
        return f"{lo:.{digits}f}{unit}"
    return f"{lo:.{digits}f}–{hi:.{digits}f}{unit}"


def table(runs, local):
    def sel(kind):
        rs = [r for r in runs if r["kind"] == kind and r["clean"]]
        return rs or [r for r in runs if r["kind"] == kind]

    A, B, C = sel("A"), sel("B"), sel("C")

    def col(rs, f, digits=0):
        return rng([f(r) for r in rs], digits)

    def st(name, key, scale=1.0):
        return lambda r: (r.get(name) or {}).get(key) * scale if (r.get(name) or {}).get(key) is not None else None

    g = lambda k, scale=1.0: (lambda r: r.get(k) * scale if r.get(k) is not None else None)
    rows = [
        ("runs (clean / all)", f"A {len([r for r in A if r['clean']])}/{len(A)}, B {len([r for r in B if r['clean']])}/{len(B)}",
         f"{len([r for r in C if r['clean']])}/{len(C)}"),
        ("sbatch call, ms (A: launcher's log line; C: sbatch shim)",
         col(A, g("launcher_sbatch_ms")), col(C, g("shim_sbatch_ms"))),
        ("sbatch call, ms (B/C: sbatch shim)", col(B, g("shim_sbatch_ms")), col(C, g("shim_sbatch_ms"))),
        ("submission: command start → sbatch returned, ms (B/C)",
         col(B, g("submit_step_s", 1000)), col(C, g("submit_step_s", 1000))),
        ("whole command with wait=false, ms (A)", col(A, g("cmd_s", 1000)), "n/a (always waits)"),
        ("per-job overhead: batch script start → task start, median ms (A+B / C)",
         col(A + B, st("overhead_ms", "median"), 1), col(C, st("overhead_ms", "median"), 1)),
        ("per-job overhead, min ms", col(A + B, st("overhead_ms", "min"), 1), col(C, st("overhead_ms", "min"), 1)),
        ("per-job overhead, p90 ms", col(A + B, st("overhead_ms", "p90"), 1), col(C, st("overhead_ms", "p90"), 1)),
        ("per-job overhead, max ms", col(A + B, st("overhead_ms", "max"), 1), col(C, st("overhead_ms", "max"), 1)),
        ("job duration: batch script start → end, median ms",
         col(A + B, st("job_duration_ms", "median")), col(C, st("job_duration_ms", "median"))),
        ("wall time, 100 jobs waited: command start → exit, s (B / C)",
         col(B, g("cmd_s"), 1), col(C, g("cmd_s"), 1)),
        ("  sbatch returned → first job starts, s", col(B, g("first_start_s"), 2), col(C, g("first_start_s"), 2)),
        ("  SLURM dispatch gap (a job ends → next starts on its CPU), median s",
         col(B, st("dispatch_gap_s", "median"), 2), col(C, st("dispatch_gap_s", "median"), 2)),
        ("  SLURM dispatch gap, max s", col(B, st("dispatch_gap_s", "max"), 2), col(C, st("dispatch_gap_s", "max"), 2)),
        ("  slurmctld allocation rounds: interval, median s (its log)",
         col(B, st("alloc_tick_s", "median"), 2), col(C, st("alloc_tick_s", "median"), 2)),
        ("  slurmctld allocates → batch script starts, median ms (its log)",
         col(A + B, st("alloc_to_script_ms", "median")), col(C, st("alloc_to_script_ms", "median"))),
        ("  last job ends → command exits (polling latency), s",
         col(B, g("end_to_exit_s"), 2), col(C, g("end_to_exit_s"), 2)),
        ("  status polls (B: squeue; C: failed sacct calls)", col(B, g("squeue_calls")), col(C, g("sacct_calls"))),
        ("  launcher CPU time (user+sys, children incl.), s", col(B, g("cpu_s"), 2), col(C, g("cpu_s"), 2)),
        ("machine CPU busy during the run, % of all CPUs (every process, the jobs included)",
         f"A {col(A, g('cpu_busy_pct'))}, B {col(B, g('cpu_busy_pct'))}", col(C, g("cpu_busy_pct"))),
    ]
    out = ["| | ours (`hydra/launcher=slurm`) | Hydra 1.3.8 + submitit |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    if C:
        out.append("")
        out.append("submitit's per-job overhead, split by its job log (median ms, range over runs): "
                   f"script start → first submitit log line (srun step + python + import submitit) "
                   f"{col(C, st('to_first_log_ms', 'median'), 1)}; "
                   f"first log line → task start (unpickle, Hydra's run_job incl. compose) "
                   f"{col(C, st('first_log_to_task_ms', 'median'), 1)}.")
    out += ["", "Per run (machine CPU busy = every process on the node during the run, "
            "the other user's work included):", "",
            "| run | clean | CPU busy % | command s | sbatch ms | overhead median / max ms | "
            "dispatch gap median s | last end → exit s |", "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        sb = r.get("launcher_sbatch_ms") if r["kind"] == "A" else r.get("shim_sbatch_ms")
        out.append(
            f"| {r['name']} | {'yes' if r['clean'] else 'no: ' + (','.join(r['foreign_jobs']) or 'failed')} "
            f"| {r.get('cpu_busy_pct', 0):.0f} | {r['cmd_s']:.2f} | {sb if sb is None else round(sb)} "
            f"| {fmt(r['overhead_ms'], 'median', 1, 1)} / {fmt(r['overhead_ms'], 'max', 1, 1)} "
            f"| {fmt(r.get('dispatch_gap_s'), 'median', 1, 2)} "
            f"| {'-' if r['kind'] == 'A' or r.get('end_to_exit_s') is None else round(r['end_to_exit_s'], 2)} |")
    if local:
        out.append("")
        out.append("Ours outside SLURM (the kept submit.sh run by hand with bash, sequentially; "
                   "median / max ms): wrapper start → task start "
                   f"{fmt(local.get('wrapper_to_task_ms'), 'median', 1, 1)} / {fmt(local.get('wrapper_to_task_ms'), 'max', 1, 1)}; "
                   f"the job's `config run` command alone → task start {fmt(local.get('command_to_task_ms'), 'median', 1, 1)} / {fmt(local.get('command_to_task_ms'), 'max', 1, 1)}; "
                   f"`sh -c 'date > f'` alone {fmt(local.get('sh_date_ms'), 'median', 1, 1)} / {fmt(local.get('sh_date_ms'), 'max', 1, 1)} "
                   f"(machine CPU busy {local.get('cpu_busy_pct', 0):.0f}%).")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=100)
    ap.add_argument("--only", default="A,B,C", help="which measurements (A,B,C)")
    ap.add_argument("--out", default=f"/tmp/slurm-bench/{time.strftime('%Y%m%d-%H%M%S')}")
    ap.add_argument("--config", default=str(REPO / "target" / "release" / "config"))
    ap.add_argument("--python", default="/tmp/hvenv/bin/python")
    ap.add_argument("--slots", type=int, default=None,
                    help="jobs running at once (default: the partition's CPUs)")
    ap.add_argument("--attempts", type=int, default=3, help="tries per measurement when another job interferes")
    ap.add_argument("--idle-timeout", type=float, default=1800)
    ap.add_argument("--run-timeout", type=float, default=1800)
    ap.add_argument("--local-reps", type=int, default=20)
    args = ap.parse_args()
    if args.slots is None:
        r = sh("sinfo", "-h", "-p", "debug", "-o", "%C")  # alloc/idle/other/total
        try:
            args.slots = int(r.stdout.strip().split("/")[-1])
        except ValueError:
            args.slots = 1
    b = Bench(args)
    log(f"output: {b.root}; {args.jobs} jobs, {args.reps} reps, {args.slots} CPUs")
    kinds = [k for k in "ABC" if k in args.only.split(",")]
    for rep in range(1, args.reps + 1):
        for kind in kinds:
            b.measure(kind, rep)
    local = b.local_breakdown() if ("A" in kinds or "B" in kinds) else {}
    b.save({"local": local})
    md = table(b.runs, local)
    meta = b.meta()
    md = (f"{meta['date']}, {meta['slurm']}, {args.slots} CPUs, {meta['cpu']}, {meta['kernel']}, "
          f"config at {meta['git']} (binary built {meta['binary']['mtime']}, sha256 {meta['binary']['sha256']}), "
          f"{meta['python_pkgs']}\n\n" + md + "\n")
    (b.root / "results.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
