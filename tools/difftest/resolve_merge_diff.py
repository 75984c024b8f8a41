"""Differential test of `config resolve` and `config merge` against OmegaConf.

    HYDRA_PYTHON=/path/to/venv/bin/python CONFIG_CLI=target/release/config \
        python3 resolve_merge_diff.py KIND SEED COUNT   # KIND: resolve | merge | resolve-table

Generates random (seeded, reproducible) YAML documents and runs them through
omegaconf 2.3.1 (in HYDRA_PYTHON; a persistent worker fed JSON lines, this
same file run with --worker) and through our CLI:

- resolve: OmegaConf.to_yaml(OmegaConf.load(FILE), resolve=True) (what the
  conformance corpus was made with; an in-place OmegaConf.resolve differs, see the
  worker) vs `config resolve FILE`. Documents mix absolute/relative/bracket/list-index
  references, string interpolation, escapes, nested interpolations, references
  to containers, to ??? and to missing keys, chains, the oc.* resolvers with
  quoted and nested arguments, odd YAML scalar spellings and odd keys.
- merge: OmegaConf.merge(*(OmegaConf.load(f) for f in FILES)); to_yaml vs
  `config merge FILES...`. 2-4 documents over a small shared key pool, mixing
  dicts, lists, scalars, null, ???, interpolations and type clashes.
- resolve-table: a fixed sweep (COUNT 0 = all of it): each scalar spelling through
  direct, string and resolver interpolations; each odd key referenced; resolver
  argument forms; escape forms.

A reference process that dies (C stack overflow on deep cycles) is restarted and the
case skipped (ref_crash); a reference output that is not plain YAML (to_yaml can emit
!!python/object tags when oc.decode returns a dict holding a config node) is skipped
(ref_unparseable) and kept as refbad_*.

Both outputs are parsed with yaml.safe_load and compared type-exactly (mapping
order matters, floats by value, nan == nan). One side failing and not the
other is a mismatch (a crash of ours -- exit 101 / panic / timeout -- always is).
Mismatching inputs are kept under $DIFF_WORK (default /tmp/rm_diff).
"""
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys

# Environment seen by both sides (oc.env); RMD_UNSET is never set.
ENV = {
    "RMD_SET": "val",
    "RMD_NUM": "42",
    "RMD_FLOAT": "1e3",
    "RMD_EMPTY": "",
    "RMD_YAMLISH": "[1, 2]",
    "RMD_DICT": "{a: 1}",
    "RMD_NULL": "null",
    "RMD_BOOL": "true",
    "RMD_SPACE": " a b ",
    "RMD_INTERP": "${a}",
    "RMD_MISSING": "???",
}


# ----------------------------------------------------------------------------- worker
def worker():
    import warnings
    warnings.filterwarnings("ignore")
    from omegaconf import OmegaConf
    os.environ.update(ENV)
    os.environ.pop("RMD_UNSET", None)
    for line in sys.stdin:
        c = json.loads(line)
        out = {}
        try:
            if c["kind"] == "resolve":
                # what the conformance corpus pins down (conformance/resolve/*)
                cfg = OmegaConf.load(c["files"][0])
                out = {"ok": True, "yaml": OmegaConf.to_yaml(cfg, resolve=True)}
            else:
                cfgs = [OmegaConf.load(f) for f in c["files"]]
                out = {"ok": True, "yaml": OmegaConf.to_yaml(OmegaConf.merge(*cfgs))}
        except BaseException as e:  # noqa: BLE001
            out = {"ok": False, "err": type(e).__name__ + ": " + str(e)[:400]}
        if c["kind"] == "resolve" and os.environ.get("RMD_ALT"):
            # informational (RMD_ALT=1; it can overflow the C stack on deep cycles): OmegaConf.resolve in place, then to_yaml. It differs from
            # to_yaml(resolve=True): an interpolation to ??? becomes ???, a resolved
            # string that looks like an interpolation is resolved again, resolver lists fail.
            try:
                cfg = OmegaConf.load(c["files"][0])
                OmegaConf.resolve(cfg)
                out["alt"] = OmegaConf.to_yaml(cfg)
            except BaseException as e:  # noqa: BLE001
                out["alt_err"] = type(e).__name__
        print(json.dumps(out), flush=True)


if len(sys.argv) > 1 and sys.argv[1] == "--worker":
    worker()
    sys.exit(0)

import yaml  # noqa: E402  (the driver needs PyYAML; the worker gets it from omegaconf)


# ----------------------------------------------------------------------------- compare
# Tree equality as the corpus harness has it (order and types matter, nan ==
# nan): its own function, from the synced copy in tests/conformance.
# No __pycache__ there: the copy must stay identical to the shared corpus.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "conformance"))
from check import same  # noqa: E402


def show(v):
    try:
        return json.dumps(v, default=repr, ensure_ascii=False)
    except ValueError:
        return repr(v)


# ----------------------------------------------------------------------------- generation
R = None

INTS = ["0", "1", "2", "-7", "+3", "0x1F", "0o17", "010", "0b101", "1_000", "12345678901234567890", "1:30", "-0", "007"]
FLOATS = ["1.5", "1e3", "1E-2", "-2.5e+3", ".5", "3.", ".inf", "-.Inf", ".NaN", "+.inf", "1_0.5", "6.02e23", "1.0", "0.1",
          "-.5", "1.5e3", "2E5", "1:30.5", ".INF", "nan", "inf", "-1.0e-06"]
BOOLS = ["true", "False", "TRUE", "yes", "No", "on", "OFF", "y", "n", "Y", "NO", "oN"]
NULLS = ["null", "~", "Null", "NULL", ""]
DATES = ["2024-01-02", "2024-01-02 10:20:30", "2001-12-14t21:59:43.10-05:00", "2024-1-2", "2002-12-14", "10:20:30"]
STRS = ["hello", "hello world", "'1'", '"true"', "'null'", '"1e3"', "'0x1F'", "$5", "'{a: 1}'", '"a: b"', "'???'",
        '"???x"', "'  spaced  '", '"tab\\there"', '"line1\\nline2"', "'#x'", '"x # y"', "'[1, 2]'", "''", '"\\u00e9"',
        "'123abc'", '"1.2.3"', "'.inf'", "'nan'", "-", "'-'", "'It''s'", "abc", "a.b", "x", "'yes'", "'~'", "'1_000'",
        "'+1'", "'1:30'", "'2024-01-02'", "$", "'$'", "'}'", "'{}'", "'[]'", "a{b}", "'a\\b'"]

ODD_KEYS = ["my-key", "key with space", "$k", "ключ", "1", "2.5", "a_b", "_x_", "x.y", "'k:v'", "'[k]'", "'k}'",
            "'{k'", "'@k'", "\"k'\"", "true", "null", "'1'", "-1", "0x10", "'a b'", "k$", "'${a}'", "'\\\\'", "'k,v'",
            "''", "yes", "1e3", "~"]
KEYS = ["a", "b", "c", "d", "x", "y", "z", "l", "n", "s"]
ODD = ODD_KEYS


def key_text_to_value(kt):
    """The Python key a YAML key token loads to (approximately, for path building)."""
    try:
        v = yaml.safe_load(kt + ": 0")
        return list(v.keys())[0] if isinstance(v, dict) else kt
    except Exception:  # noqa: BLE001
        return kt


class Node:
    def __init__(self, kind, children=None, text=None):
        self.kind = kind  # "dict" | "list" | "leaf"
        self.children = children or []  # dict: [(keytext, keyval, node)], list: [node]
        self.text = text  # leaf: raw YAML token (filled later), or callable
        self.flow = False


def build(depth, keys, odd=0.08, max_depth=3):
    r = 0.0 if depth == 0 else R.random()
    if depth < max_depth and r < 0.28:
        n = R.randint(0, 4) if depth else R.randint(2, 6)
        ch = []
        used = set()
        for _ in range(n):
            kt = R.choice(ODD) if R.random() < odd else R.choice(keys)
            kv = key_text_to_value(kt)
            if kv in used and R.random() < 0.995:
                continue
            used.add(kv)
            ch.append((kt, kv, build(depth + 1, keys, odd, max_depth)))
        nd = Node("dict", ch)
        nd.flow = R.random() < 0.15
        return nd
    if depth < max_depth and r < 0.40:
        nd = Node("list", [build(depth + 1, keys, odd, max_depth) for _ in range(R.randint(0, 3))])
        nd.flow = R.random() < 0.25
        return nd
    return Node("leaf")


def walk(node, path, out):
    out.append((tuple(path), node))
    if node.kind == "dict":
        for kt, kv, ch in node.children:
            walk(ch, path + [kv], out)
    elif node.kind == "list":
        for i, ch in enumerate(node.children):
            walk(ch, path + [i], out)


def comp_text(c, first):
    if isinstance(c, int) and not isinstance(c, bool):
        return (str(c) if first else R.choice(["." + str(c), "[" + str(c) + "]"])) if not first else str(c)
    s = str(c) if not isinstance(c, bool) else ("True" if c else "False")
    if c is None:
        s = "None"
    if first:
        return s if R.random() < 0.98 else "[" + s + "]"
    return "." + s if R.random() < 0.85 else "[" + s + "]"


def path_text(path):
    if not path:
        return ""
    out = comp_text(path[0], True)
    for c in path[1:]:
        out += comp_text(c, False)
    return out


CLEAN_ODD_KEYS = ["my-key", "key with space", "$k", "ключ", "1", "2.5", "a_b", "_x_", "-1", "0x10", "yes", "1e3", "k$",
                  "'a b'", "'1'", "'k,v'", "'@k'"]


class Gen:
    """Leaf values for a tree. wild: also deliberately broken forms, missing keys, cycles."""

    def __init__(self, root, wild):
        self.root = root
        self.wild = wild
        self.cur = ()
        self.nodes = []
        walk(root, [], self.nodes)
        self.paths = [p for p, _ in self.nodes if p]
        self.dicts = [p for p, n in self.nodes if n.kind == "dict"]
        self.lists = [p for p, n in self.nodes if n.kind == "list"]
        self.leaves = [p for p, n in self.nodes if n.kind == "leaf" and p]
        if not wild:
            # only paths a dotted reference can spell; containers other than the root;
            # a random rank per leaf, a leaf referring only to lower-ranked subtrees (no cycles)
            ok = lambda p: all(isinstance(c, int) or re.fullmatch(r"[\w$\-]+", str(c)) for c in p)
            self.paths = [p for p in self.paths if ok(p)]
            self.dicts = [p for p in self.dicts if p and ok(p)]
            self.lists = [p for p in self.lists if ok(p)]
        self.rank = {}
        for p, n in self.nodes:
            if n.kind == "leaf":
                self.rank[p] = R.random()
        self.maxrank = {}
        for p, n in self.nodes:
            below = [r for q, r in self.rank.items() if q[:len(p)] == p]
            self.maxrank[p] = max(below) if below else -1.0
        # a selector: a root-level string holding a path, for ${${sel}} and friends
        self.sel = None
        roots = [p for p in self.leaves if len(p) == 1 and isinstance(p[0], str)]
        if roots and R.random() < 0.6:
            self.sel = R.choice(roots)
            others = [p for p in self.paths if p != self.sel]
            self.sel_target = R.choice(others) if others else ("nope",)

    def target(self):
        r = R.random()
        if not self.wild and R.random() < 0.97:
            cur = self.cur
            mine = self.rank.get(cur, 1.0)
            ok = [p for p in self.paths if cur[:len(p)] != p and self.maxrank.get(p, 2) < mine]
            if ok and r > 0.03:
                if r < 0.2 and self.dicts:
                    d = [p for p in self.dicts if cur[:len(p)] != p and self.maxrank.get(p, 2) < mine]
                    if d:
                        return R.choice(d)
                return R.choice(ok)
        if r < 0.12 or not self.paths:
            # a missing key: under an existing node or at the root
            base = list(R.choice(self.paths)) if self.paths and R.random() < 0.5 else []
            return tuple(base + [R.choice(["nope", "q", "zz"] + KEYS)])
        if r < 0.25 and self.dicts:
            return R.choice(self.dicts)
        if r < 0.32 and self.lists:
            p = R.choice(self.lists)
            return tuple(list(p) + [R.randint(0, 3)])
        return R.choice(self.paths)

    def ref_path(self, here):
        """Text of a reference from the container at `here` (a path) to some target."""
        t = self.target()
        if R.random() < 0.35:
            # relative
            common = 0
            while common < min(len(t), len(here)) and t[common] == here[common]:
                common += 1
            if R.random() < 0.1:
                common = max(0, common - 1)
            dots = "." * (1 + len(here) - common)
            rest = t[common:]
            if not rest:
                return dots
            return dots + path_text(list(rest)).lstrip(".") if not path_text(list(rest)).startswith("[") else dots + path_text(list(rest))
        if not t:
            return ""
        return path_text(list(t))

    def arg(self, here, depth=0):
        r = R.random()
        simple = ["1", "-2.5", "true", "null", "None", "abc", "a b", "'quoted, text'", '"dq"', "''", " spaced ", "1e3",
                  "inf", "nan", "0x10", "x\\,y", "'it\\'s'", "NULL", "False", "1_000", "'1'", "???", "a:b", "-"]
        if r < 0.45 or depth > 1:
            return R.choice(simple)
        if r < 0.6:
            return "${" + self.ref_path(here) + "}"
        if r < 0.7:
            return "'" + R.choice(["pre_", "", "x "]) + "${" + self.ref_path(here) + "}'"
        if r < 0.8:
            return "[" + ", ".join(self.arg(here, depth + 1) for _ in range(R.randint(0, 2))) + "]"
        if r < 0.9:
            return "{" + ", ".join(f"{R.choice(['k', 'a', 'b'])}: {self.arg(here, depth + 1)}" for _ in range(R.randint(0, 2))) + "}"
        return self.resolver(here, depth + 1)

    def select_path(self, here):
        p = self.ref_path(here)
        return p if R.random() < 0.9 else R.choice(["nope", "a.nope", "", "..", ".nope"])

    def resolver(self, here, depth=0):
        r = R.random()
        envs = list(ENV) + ["RMD_UNSET", "RMD_UNSET", "HOME"]
        if r < 0.2:
            v = R.choice(envs)
            if R.random() < 0.5:
                return "${oc.env:" + v + "}"
            return "${oc.env:" + v + "," + self.arg(here, depth) + "}"
        if r < 0.38:
            if R.random() < 0.4:
                return "${oc.select:" + self.select_path(here) + "}"
            return "${oc.select:" + self.select_path(here) + "," + self.arg(here, depth) + "}"
        if r < 0.55:
            a = R.choice(["'1'", "'[1, ${" + self.ref_path(here) + "}]'", '"{a: 1}"', "'null'", "'true'", "'1e3'", "'inf'",
                          "1", "null", "'  x  '", "'${oc.env:RMD_NUM}'", "${oc.env:RMD_YAMLISH}", "${oc.env:RMD_DICT}",
                          "${" + self.ref_path(here) + "}", "'0x1F'", "'yes'", "'2024-01-02'", "'a: b'", "'???'", "''",
                          "'\\${a}'", "'{a: ${" + self.ref_path(here) + "}}'", "'-1.5'", "'.nan'", "'[a, b'", "abc"])
            return "${oc.decode:" + a + "}"
        if r < 0.67:
            a = R.choice(["{a: 1, b: ${" + self.ref_path(here) + "}}", "[1, ${" + self.ref_path(here) + "}]",
                          "${" + self.ref_path(here) + "}", "${oc.decode:'{k: v}'}", "'x'", "1", "{}", "[]", "null",
                          "${oc.env:RMD_DICT}", "{a: {b: 2}}"])
            return "${oc.create:" + a + "}"
        if r < 0.75:
            p = self.select_path(here)
            return "${oc.deprecated:" + p + R.choice(["", ",'msg'", ",msg here", ",'${a}'"]) + "}"
        if r < 0.95:
            fn = R.choice(["keys", "values"])
            if R.random() < 0.6 and self.dicts:
                t = R.choice(self.dicts)
                a = path_text(list(t)) if t else ""
                if R.random() < (0.3 if self.wild else 0.05):
                    a = "${" + a + "}"
            else:
                a = self.select_path(here)
            return "${oc.dict." + fn + ":" + a + "}"
        if not self.wild:
            return "${oc.select:" + self.ref_path(here) + "," + self.ref_path(here) + "}"
        return R.choice(["${nope:1}", "${oc.nope:x}", "${oc.env}", "${oc.select:}", "${oc.decode:}", "${oc.env:}"])

    def value(self, leaf_path):
        here = list(leaf_path[:-1])
        self.cur = tuple(leaf_path)
        if self.sel is not None and tuple(leaf_path) == self.sel:
            return ("str", path_text(list(self.sel_target)) if self.sel_target else "a")
        r = R.random()
        if self.sel is not None and r < 0.08:
            sel = path_text(list(self.sel))
            return ("str", R.choice(["${${" + sel + "}}", "x_${${" + sel + "}}_y", "${oc.select:${" + sel + "},dflt}",
                                     "${oc.deprecated:${" + sel + "}}", "${oc.decode:${${" + sel + "}}}",
                                     "${oc.select:${" + sel + "}}"]))
        if r < 0.30:
            pool = R.choice([INTS, FLOATS, BOOLS, NULLS, DATES, STRS, STRS, KEYS])
            return ("raw", R.choice(pool))
        if r < 0.34:
            return ("raw", R.choice(["???", "'???'", '"???"']))
        if r < 0.52:
            return ("str", "${" + self.ref_path(here) + "}")
        if r < 0.62:
            parts = [R.choice(["pre_", "", "x ", "1", "$", "a.", "_post", "\\\\", "{", "}", ":"])]
            for _ in range(R.randint(1, 2)):
                parts.append("${" + self.ref_path(here) + "}" if R.random() < 0.75 else self.resolver(here))
                parts.append(R.choice(["_post", "", " y", ".", "-", "0", "$", "\\"]))
            return ("str", "".join(parts))
        if r < 0.67 and not self.wild:
            return ("str", R.choice(["\\${" + self.ref_path(here) + "}", "\\\\${" + self.ref_path(here) + "}",
                                     "a\\${x}b", "\\\\\\${a}", "$\\{a}", "\\$", "}${" + self.ref_path(here) + "}",
                                     "$${" + self.ref_path(here) + "}", "${ " + self.ref_path(here) + " }",
                                     "${" + self.ref_path(here) + "}${" + self.ref_path(here) + "}",
                                     "\\${a}${" + self.ref_path(here) + "}", "${ oc.env : RMD_SET }", "$", "$$", "{}",
                                     "\\${" + self.ref_path(here) + "}\\", "\\\\", "${oc.env:RMD_SET}\\${x}"]))
        if r < 0.67:
            return ("str", R.choice(["\\${" + self.ref_path(here) + "}", "\\\\${" + self.ref_path(here) + "}",
                                     "a\\${x}b", "\\\\\\${a}", "$\\{a}", "\\$", "${", "${}", "}${a}", "$${a}",
                                     "${a", "${ a }", "${a.}", "${.}", "${..}", "${a..b}", "${[a]}", "${a[0][1]}",
                                     "${ oc.env : RMD_SET }", "${a}${b}", "\\${a}${b}"]))
        if r < 0.73 and not self.wild:
            return ("str", "${" + self.ref_path(here) + "}")
        if r < 0.73:
            inner = "${" + self.ref_path(here) + "}"
            return ("str", R.choice(["${" + inner + "}", "${" + path_text(list(R.choice(self.dicts) or ["a"]) if self.dicts else ["a"]) + "." + inner + "}",
                                     "${" + path_text(list(R.choice(self.lists))) + "[" + inner + "]}" if self.lists else "${" + inner + "}",
                                     "${oc.select:" + inner + "}", "x_${" + inner + "}"]))
        return ("str", self.resolver(here))


def quote(s, flow=False):
    """YAML text for the string s (plain when that loads back as s, else quoted)."""
    r = R.random()
    if r < 0.6:
        try:
            doc = ("k: [" + s + "]") if flow else ("k: " + s)
            v = yaml.safe_load(doc)
            got = v["k"][0] if flow else v["k"]
            if got == s and type(got) is str and "\n" not in s and not re.search(r"^[-+.\d]|^(y|n|Y|N)$|:\d", s):
                return s
        except Exception:  # noqa: BLE001
            pass
    if r < 0.8 or "\n" in s or "\t" in s:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    return "'" + s.replace("'", "''") + "'"


def fill(gen, node, path):
    if node.kind == "leaf":
        node.text = gen.value(path)
    elif node.kind == "dict":
        for kt, kv, ch in node.children:
            fill(gen, ch, path + [kv])
    else:
        for i, ch in enumerate(node.children):
            fill(gen, ch, path + [i])


def leaf_text(v, flow):
    kind, s = v
    if kind == "raw":
        if flow and s == "???" and R.random() < 0.9:
            return "'???'"  # PyYAML rejects a plain ??? in a flow collection; keep that rare
        if flow and (s == "" or re.search(r"[,\[\]{}]", s) and not s.startswith(("'", '"'))):
            return "null" if s == "" else quote(s, True)
        return s
    return quote(s, flow)


def flow_text(node):
    if node.kind == "leaf":
        return leaf_text(node.text, True)
    if node.kind == "list":
        return "[" + ", ".join(flow_text(c) for c in node.children) + "]"
    return "{" + ", ".join(f"{kt}: {flow_text(c)}" for kt, kv, c in node.children) + "}"


def emit(node, indent=0):
    """Block YAML lines for a container node."""
    pad = " " * indent
    lines = []
    if node.kind == "dict":
        for kt, kv, ch in node.children:
            if ch.kind == "leaf":
                t = leaf_text(ch.text, False)
                lines.append(f"{pad}{kt}:" + (" " + t if t != "" else ""))
            elif ch.flow or not ch.children:
                lines.append(f"{pad}{kt}: {flow_text(ch)}")
            else:
                lines.append(f"{pad}{kt}:")
                lines += emit(ch, indent + 2)
    else:
        for ch in node.children:
            if ch.kind == "leaf":
                t = leaf_text(ch.text, False)
                lines.append(f"{pad}-" + (" " + t if t != "" else ""))
            elif ch.flow or not ch.children:
                lines.append(f"{pad}- {flow_text(ch)}")
            else:
                sub = emit(ch, indent + 2)
                lines.append(f"{pad}- " + sub[0].lstrip())
                lines += sub[1:]
    return lines


def document(gen_root):
    root = gen_root
    if root.kind == "leaf":
        return leaf_text(root.text, False) + "\n"
    if root.flow or not root.children:
        return flow_text(root) + "\n"
    return "\n".join(emit(root)) + "\n"


def gen_resolve():
    top_list = R.random() < 0.08
    while True:
        wild = R.random() < 0.3
        global ODD
        ODD = ODD_KEYS if wild else CLEAN_ODD_KEYS
        root = build(0, KEYS, R.choice([0.03, 0.08, 0.2]))
        if top_list:
            root = Node("list", [build(1, KEYS) for _ in range(R.randint(1, 4))])
        if root.kind != "leaf":
            break
    root.flow = False
    g = Gen(root, wild)
    fill(g, root, [])
    return [document(root)]


MKEYS = ["a", "b", "c", "l"]


def merge_value(paths):
    r = R.random()
    if r < 0.45:
        return ("raw", R.choice(R.choice([INTS, FLOATS, BOOLS, NULLS, DATES, STRS, ["1", "2", "x", "y"]])))
    if r < 0.6:
        if R.random() < 0.02:
            return ("raw", R.choice(["'${'", "'x ${a b}'", "'\\${'"]))  # malformed: load fails
        return ("raw", R.choice(["???", "null", "'???'"]))
    if r < 0.8:
        return ("str", "${" + R.choice(["a", "b", "a.b", "l.0", ".a", "..b", "c", "oc.env:RMD_SET", "nope"]) + "}")
    if r < 0.88:
        return ("str", "pre_${" + R.choice(["a", "b.c"]) + "}")
    return ("raw", R.choice(["{}", "[]", "[1, 2]", "{a: 1}", "[{a: 1}]", "{a: {b: 1}}"]))


SHAPE = {}  # path -> node kind, shared by the documents of one merge case (fewer type clashes)


def mbuild(path, depth):
    if depth == 0:
        kind = "dict"
    elif path in SHAPE and R.random() < 0.85:
        kind = SHAPE[path]
    else:
        r = R.random()
        kind = "dict" if r < 0.3 and depth < 3 else "list" if r < 0.42 and depth < 3 else "leaf"
    SHAPE.setdefault(path, kind)
    if kind == "leaf":
        return Node("leaf")
    if kind == "list":
        nd = Node("list", [mbuild(path + ("[]",), depth + 1) for _ in range(R.randint(0, 3))])
        nd.flow = R.random() < 0.25
        return nd
    ch, used = [], set()
    for _ in range(R.randint(0, 4) if depth else R.randint(1, 5)):
        kt = R.choice(ODD_KEYS) if R.random() < 0.04 else R.choice(MKEYS)
        kv = key_text_to_value(kt)
        if kv in used:
            continue
        used.add(kv)
        ch.append((kt, kv, mbuild(path + (kv,), depth + 1)))
    nd = Node("dict", ch)
    nd.flow = depth > 0 and R.random() < 0.15
    return nd


def merge_doc(lists=False):
    r = 0.0 if lists else R.random()
    if r < 0.02:
        root = Node("list", [build(1, MKEYS, 0.05) for _ in range(R.randint(0, 3))])
    elif r < 0.035:
        return R.choice(["", "# only a comment\n", "just a string\n", "null\n", "{}\n", "[]\n"])
    else:
        root = mbuild((), 0)

    def fillm(node):
        if node.kind == "leaf":
            node.text = merge_value(None)
        elif node.kind == "dict":
            for kt, kv, ch in node.children:
                fillm(ch)
        else:
            for ch in node.children:
                fillm(ch)
    fillm(root)
    root.flow = False
    return document(root)


def gen_merge():
    lists = R.random() < 0.08
    SHAPE.clear()
    return [merge_doc(lists) for _ in range(R.choice([2, 2, 2, 3, 3, 4]))]


def table_cases():
    """Deterministic sweep (kind resolve-table): every scalar spelling through a direct,
    a string and a resolver interpolation; every odd key referenced; escape forms."""
    out = []
    for tok in INTS + FLOATS + BOOLS + NULLS + DATES + STRS + ["???", "'???'"]:
        out.append(f"v: {tok}\nt: ${{v}}\ns: x_${{v}}\nd: ${{oc.decode:${{v}}}}\n")
        out.append(f"v: {tok}\nl: [${{v}}, 'a${{v}}']\n")
        out.append(f"v: {tok}\ne: ${{oc.env:RMD_UNSET,${{v}}}}\nq: ${{oc.select:nope,${{v}}}}\n")
        out.append(f"k: [{tok}]\nc: ${{oc.create:${{k}}}}\nw: x${{k}}\n")
    for kt in ODD_KEYS + CLEAN_ODD_KEYS:
        kv = key_text_to_value(kt)
        ks = "None" if kv is None else str(kv)
        for ref in ["${%s}" % ks, "${[%s]}" % ks, "${.%s}" % ks, "x_${%s}" % ks, "${oc.select:%s,no}" % ks,
                    "${oc.dict.keys:d}", "${oc.dict.values:d}", "${d.%s}" % ks, "${d[%s]}" % ks]:
            out.append(f"{kt}: 1\nd:\n  {kt}: 2\nr: {quote(ref)}\n")
    for e, v in ENV.items():
        for form in ["${oc.env:%s}", "x_${oc.env:%s}", "${oc.decode:${oc.env:%s}}", "${oc.env:%s,d}",
                     "${oc.create:${oc.decode:${oc.env:%s}}}"]:
            out.append(f"a: 5\nr: {quote(form % e)}\n")
    for arg in ["1", "-2.5", "true", "null", "None", "abc", "a b", "'quoted, text'", '"dq"', "''", " spaced ", "1e3",
                "inf", "nan", "0x10", "x\\,y", "'it\\'s'", "NULL", "False", "1_000", "'1'", "a:b", "-", "[1, 2]",
                "{k: 1}", "[]", "{}", "'${a}'", "${a}", "a${a}b", "\\${a}", "'\\${a}'", "[a, ${a}]", "{k: ${a}}",
                "1.5e-3", "+1", "0o17", "0b11", "1.", ".5", "TRUE", "yes", "~", "'null'", "\"null\"", "a\\ b",
                "x\\]y", "'a\\\\b'", "2024-01-02", "10:20:30", "a=b", "a.b", "$a", "%", "??"]:
        for form in ["${oc.env:RMD_UNSET,%s}", "${oc.select:nope,%s}", "${oc.decode:%s}", "${oc.create:%s}",
                     "x_${oc.select:nope,%s}", "${oc.env:RMD_SET,%s}"]:
            out.append(f"a: 5\nr: {quote(form % arg)}\n")
    for esc in ["\\${a}", "\\\\${a}", "\\\\\\${a}", "x\\${a}", "\\", "a\\b", "\\${a}\\", "${a}\\",
                "\\${a", "${a}\\${a}", "$\\{a}", "\\$", "$${a}", "${a}$", "{${a}}", "\\{${a}}",
                "${oc.env:RMD_SET}\\${a}", "\\${oc.env:RMD_SET}", "\\\\"]:
        out.append(f"a: 5\nr: {quote(esc)}\ns: ${{r}}\nt: p${{r}}\n")
    return out


# ----------------------------------------------------------------------------- driver
def main():
    global R
    kind, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    assert kind in ("resolve", "merge", "resolve-table")
    R = random.Random(f"{kind}:{seed}")
    table = None
    if kind == "resolve-table":
        table = table_cases()
        count = min(count, len(table)) if count else len(table)
        kind = "resolve"
    work = os.environ.get("DIFF_WORK", "/tmp/rm_diff")
    cli = os.environ.get("CONFIG_CLI", "target/release/config")
    os.makedirs(work, exist_ok=True)
    case_dir = os.path.join(work, f"case_{os.getpid()}")
    env = dict(os.environ)
    env.update(ENV)
    env.pop("RMD_UNSET", None)
    py = os.environ.get("HYDRA_PYTHON", "python3")
    def start():
        return subprocess.Popen([py, os.path.abspath(__file__), "--worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=env)
    ref = start()
    stats = {"both_ok": 0, "both_err": 0, "mismatch": 0, "alt_differs": 0}
    errkinds = {}
    for i in range(count):
        docs = [table[i]] if table else gen_resolve() if kind == "resolve" else gen_merge()
        shutil.rmtree(case_dir, ignore_errors=True)
        os.makedirs(case_dir)
        files = []
        for j, d in enumerate(docs):
            p = os.path.join(case_dir, "input.yaml" if kind == "resolve" else f"{j + 1}.yaml")
            with open(p, "w") as f:
                f.write(d)
            files.append(p)
        ref.stdin.write(json.dumps({"kind": kind, "files": files}) + "\n")
        ref.stdin.flush()
        line = ref.stdout.readline()
        if not line:  # the reference process died (e.g. a C stack overflow): skip the case
            stats["ref_crash"] = stats.get("ref_crash", 0) + 1
            ref.wait()
            ref = start()
            continue
        h = json.loads(line)
        try:
            p = subprocess.run([cli, kind] + files, capture_output=True, text=True, env=env, timeout=20)
            code, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            code, out, err = 124, "", "timed out"
        crash = code == 101 or code < 0 or code == 124 or "panicked at" in err
        ours_ok = code == 0
        why = None
        if kind == "resolve" and h["ok"] and os.environ.get("RMD_ALT"):
            if "alt" in h:
                try:
                    if not same(yaml.safe_load(h["alt"]), yaml.safe_load(h["yaml"])):
                        stats["alt_differs"] += 1
                except Exception:  # noqa: BLE001
                    stats["alt_differs"] += 1
            else:
                stats["alt_differs"] += 1
        if crash:
            why = f"CRASH exit {code}: {err.strip()[-300:]}\n ref ok={h['ok']} {h.get('err', '')[:200]}"
        elif h["ok"] and ours_ok:
            try:
                a = yaml.safe_load(h["yaml"])
            except yaml.YAMLError:
                # e.g. to_yaml emitting a !!python/object DictConfig tag: not comparable
                stats["ref_unparseable"] = stats.get("ref_unparseable", 0) + 1
                keep = os.path.join(work, f"refbad_{kind}_{seed}_{i}")
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(case_dir, keep)
                with open(os.path.join(keep, "ref.txt"), "w") as f:
                    f.write(h["yaml"])
                continue
            try:
                b = yaml.safe_load(out)
            except yaml.YAMLError as e:
                b = f"<our output is not YAML: {str(e).splitlines()[0]}>"
            if same(a, b):
                stats["both_ok"] += 1
                continue
            why = f"DIFF\n ref:  {show(a)}\n ours: {show(b)}"
        elif not h["ok"] and not ours_ok:
            stats["both_err"] += 1
            k = re.sub(r"'[^']*'", "'X'", h["err"].split("\n")[0])[:60]
            errkinds[k] = errkinds.get(k, 0) + 1
            continue
        else:
            why = (f"ref ok={h['ok']} {h.get('err', '')[:300]}\n ours ok={ours_ok} "
                   f"{err.strip()[:300] if not ours_ok else show(yaml.safe_load(out) if out else out)}")
        stats["mismatch"] += 1
        keep = os.path.join(work, f"{kind}_{seed}_{i}")
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(case_dir, keep)
        with open(os.path.join(keep, "why.txt"), "w") as f:
            f.write(why + "\n")
        print(f"== MISMATCH {keep}\n" + "".join(f"--- {os.path.basename(x)}\n{d}" for x, d in zip(files, docs)) + why + "\n",
              flush=True)
    shutil.rmtree(case_dir, ignore_errors=True)
    ref.stdin.close()
    ref.wait()
    for k, v in sorted(errkinds.items(), key=lambda kv: -kv[1]):
        print(f"  {v:5d} both err: {k}")
    print(kind, "cases", count, " ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
