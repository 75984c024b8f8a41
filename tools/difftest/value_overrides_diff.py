"""Differential test of value overrides against Hydra: random command lines
(change / add / force-add / delete, scalars, lists, dicts, ???, null) over
the fixed tree in ./vt.

    HYDRA_PYTHON=/path/to/venv/bin/python CONFIG_CLI=target/release/config \
        python3 value_overrides_diff.py SEED COUNT
"""
import random, json, subprocess, sys, yaml, os
HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(int(sys.argv[1])); N = int(sys.argv[2])
CLI = os.environ.get("CONFIG_CLI", "target/release/config")
keys = ["db@src", "db", "db", "top.k", "top.l", "top.m", "top.m.a", "top.m.b", "top.m.b.c", "top.n", "top.s", "top.miss", "x", "db", "db.port", "top.l.0", "top.l.2.q", "new", "top.new", "top.m.new", "a.b.c", "top.k.z", "top.n.z"]
vals = ["1", "'q'", "[1,2]", "{a: 9}", "{z: 1}", "{b: {c: 5, d: 6}}", "null", "1.5", "true", "${x}", "b", "[]", "{}", "2", "???", "a b"]
hy = subprocess.Popen([os.environ.get("HYDRA_PYTHON", "python3"), os.path.join(HERE, "hydra_run.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
mism = 0; ok = 0; err = 0
for i in range(N):
    ov = []
    for _ in range(R.randint(1, 3)):
        k = R.choice(keys); v = R.choice(vals); p = R.choice(["", "", "+", "++", "~"])
        ov.append(f"~{k}" if p == "~" and R.random() < 0.5 else f"{p}{k}={v}")
    hy.stdin.write(json.dumps({"dir": os.path.join(HERE, "vt"), "name": "config", "overrides": ov}) + "\n"); hy.stdin.flush()
    h = json.loads(hy.stdout.readline())
    p = subprocess.run([CLI, "compose", "--config-dir", os.path.join(HERE, "vt"), "--"] + ov, capture_output=True, text=True)
    if h["ok"] and p.returncode == 0:
        a = yaml.safe_load(h["yaml"]); b = yaml.safe_load(p.stdout)
        if json.dumps(a) == json.dumps(b): ok += 1; continue
        print("DIFF", ov, "\n h:", json.dumps(a), "\n o:", json.dumps(b)); mism += 1
    elif not h["ok"] and p.returncode != 0:
        err += 1
    else:
        mism += 1; print("MISMATCH", ov, "\n h:", h.get("err", "ok")[:200], "\n o:", p.stderr[:200] if p.returncode else "ok")
print("ok", ok, "err", err, "mismatches", mism)
