"""Differential test of `config compose` against Hydra itself.

    HYDRA_PYTHON=/path/to/venv/bin/python CONFIG_CLI=target/release/config \
        python3 hydra_diff.py SEED COUNT

Writes random config directories (groups, nested and relative defaults,
packages and headers, optional / null / multi-select / interpolated entries,
experiments with overrides; `..` paths between groups, resolvers inside
defaults interpolations, multi-line flow lists of quoted items closed at
column 0) plus random command lines, composes each with
hydra-core (1.3.8 + omegaconf 2.3.1 in HYDRA_PYTHON) and with our CLI, and
reports every case where one fails and the other does not, or the trees
differ. Failing inputs are kept under $DIFF_WORK (default /tmp/hydra_diff).
"""
import random, os, json, sys, subprocess, shutil, yaml
WORK = os.environ.get("DIFF_WORK", "/tmp/hydra_diff")
os.makedirs(WORK, exist_ok=True)
R = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
CLI = os.environ.get("CONFIG_CLI", "target/release/config")
GROUPS = ["db", "model", "opt", "srv"]
OPTS = ["a", "b", "c"]

def content(tag):
    d = {}
    for k in R.sample(["x", "y", "z", "w"], R.randint(1, 3)):
        d[k] = R.choice([1, 2, "s", tag, None, [1, 2], {"p": R.randint(0, 9)}])
    d["tag"] = tag
    return d

def entry(depth, here_group, g=None):
    g = g or R.choice(GROUPS)
    kind = R.random()
    prefix = "/" if here_group else ""
    if here_group and R.random() < 0.3:
        prefix, g = "", "sub"
    pkg = ""
    if R.random() < 0.2:
        pkg = "@" + R.choice(["p1", "_here_", "_global_", "q.r", "_global_.z"])
    if kind < 0.55:
        return {f"{prefix}{g}{pkg}": R.choice(OPTS + ["null"] if R.random() < 0.97 else ["zz"])}
    if kind < 0.65:
        return {f"optional {prefix}{g}{pkg}": R.choice(OPTS + ["zz"])}
    if kind < 0.72:
        return {f"{prefix}{g}{pkg}": R.sample(OPTS, R.randint(0, 2))}
    if kind < 0.8:
        return f"{prefix}{g}/{R.choice(OPTS)}{pkg}"
    if here_group and kind < 0.86:
        # `..` from inside a group: a sibling group, with or without @pkg
        up = R.choice(["../", "../" if here_group else "", "sub/../../"])
        return {f"{up}{g}{R.choice(['', '@p2', '@_here_'])}": R.choice(OPTS)}
    if kind < 0.9:
        # resolvers inside a defaults interpolation
        return {f"{prefix}{g}{pkg}": R.choice(["${oc.decode:" + R.choice(OPTS) + "}", "${oc.env:DIFF_OPT,a}", "${oc.decode:'" + R.choice(OPTS) + "'}"])}
    return {f"{prefix}{g}{pkg}": "${" + R.choice(GROUPS) + "}"} if R.random() < 0.3 else {f"{prefix}{g}": R.choice(OPTS)}

def defaults_list(depth, here_group, allow_override=True):
    items = []
    n = R.randint(0, 3 if depth == 0 else 2)
    for g in R.sample(GROUPS, n):
        items.append(entry(depth, here_group, g))
    if R.random() < 0.8:
        items.insert(R.randint(0, len(items)), "_self_")
    if allow_override and R.random() < 0.3:
        items.append({f"override /{R.choice(GROUPS)}": R.choice(OPTS)})
    return items

def write(path, body, header=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        if header:
            f.write(f"# @package {header}\n")
        f.write(yaml.safe_dump(body, sort_keys=False) if body else "")
        if body and R.random() < 0.15:
            # a multi-line flow list of quoted items, `]` at column 0
            items = [R.choice(["'q'", '"r"', "'s t'", "u"]) for _ in range(R.randint(1, 3))]
            f.write("fl: [\n" + ",\n".join(" " * R.randint(0, 2) + i for i in items) + ("," if R.random() < 0.3 else "") + "\n]\n")

def make(dir):
    shutil.rmtree(dir, ignore_errors=True)
    for g in GROUPS:
        for o in OPTS:
            body = content(f"{g}_{o}")
            if R.random() < 0.15:
                body = {"defaults": defaults_list(1, g, allow_override=False), **body}
            hdr = R.choice([None] * 6 + ["_global_", "foo", "_global_.bar"])
            write(f"{dir}/{g}/{o}.yaml", body, hdr)
            write(f"{dir}/{g}/sub/{o}.yaml", content(f"{g}_sub_{o}"), R.choice([None, None, "_global_.s"]))
    for e in ["e1", "e2"]:
        body = {"defaults": [{f"override /{R.choice(GROUPS)}": R.choice(OPTS)}] + (["_self_"] if R.random() < 0.7 else []), "x": e, "tag": e}
        if R.random() < 0.3:
            body["defaults"].insert(0, "/experiment/e1" if e == "e2" else {"/db": "a"})
        write(f"{dir}/experiment/{e}.yaml", body, "_global_")
    prim = {"defaults": defaults_list(0, None)}
    if R.random() < 0.5:
        ov = [d for d in prim["defaults"] if isinstance(d, dict) and list(d)[0].startswith("override")]
        prim["defaults"] = [d for d in prim["defaults"] if d not in ov] + [{"experiment": None}] + ov
    prim.update({"x": 0, "top": {"k": 1, "l": [1, 2]}})
    write(f"{dir}/config.yaml", prim)
    PRIM_GROUPS[:] = [list(d)[0].split()[-1].lstrip("/").split("@")[0] for d in prim["defaults"] if isinstance(d, dict) and "override" not in list(d)[0] and list(d)[0] != "experiment"]

PRIM_GROUPS = []
def overrides():
    out = []
    for _ in range(R.randint(0, 3)):
        r = R.random()
        g = R.choice(PRIM_GROUPS or GROUPS)
        if r < 0.25: out.append(f"{g}={R.choice(OPTS)}")
        elif r < 0.35: out.append(f"+{g}={R.choice(OPTS)}")
        elif r < 0.42: out.append(f"~{g}")
        elif r < 0.5: out.append(f"{g}@p1={R.choice(OPTS)}")
        elif r < 0.6: out.append(R.choice(["experiment=e1", "+experiment=e2", "experiment=e2", "+experiment=e1"]))
        elif r < 0.7: out.append(R.choice(["x=5", "top.k=2", "+top.n=3", "++top.k=4", "~top.k", "top={k: 9}", "top.l=[3]", "nope=1", "+x=1", "~x=0", "~top.l"]))
        elif r < 0.8: out.append(f"{g}.tag=t")
        else: out.append(f"{g}=[{R.choice(OPTS)},{R.choice(OPTS)}]")
    return out

hy = subprocess.Popen([os.environ.get("HYDRA_PYTHON", "python3"), os.path.join(os.path.dirname(os.path.abspath(__file__)), "hydra_run.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
mism = 0; stats = {"both_ok": 0, "both_err": 0}
for i in range(N):
    d = os.path.join(WORK, "case")
    make(d)
    ov = overrides()
    hy.stdin.write(json.dumps({"dir": d, "name": "config", "overrides": ov}) + "\n"); hy.stdin.flush()
    h = json.loads(hy.stdout.readline())
    p = subprocess.run([CLI, "compose", "--config-dir", d, "--"] + ov, capture_output=True, text=True)
    ours_ok = p.returncode == 0
    if h["ok"] and ours_ok:
        a = yaml.safe_load(h["yaml"]); b = yaml.safe_load(p.stdout)
        if json.dumps(a) == json.dumps(b):
            stats["both_ok"] += 1; continue
        why = f"DIFF\n hydra: {json.dumps(a)}\n ours:  {json.dumps(b)}"
    elif not h["ok"] and not ours_ok:
        stats["both_err"] += 1
        import re
        k = re.sub(r"'[^']*'", "'X'", h["err"].split("\n")[0])[:70]
        stats[k] = stats.get(k, 0) + 1
        continue
    else:
        why = f"hydra ok={h['ok']} {h.get('err','')}\n ours ok={ours_ok} {p.stderr.strip()[:300]}"
    mism += 1
    keep = os.path.join(WORK, f"fail_{sys.argv[1]}_{i}")
    shutil.rmtree(keep, ignore_errors=True); shutil.copytree(d, keep)
    print(f"== MISMATCH {keep} overrides={ov}\n{why}\n")
for k, v in sorted(stats.items(), key=lambda kv: -kv[1]): print(v, k)
print("mismatches", mism)
