#!/usr/bin/env python3
"""Differential test of the override grammar (`config parse-override`) against
Hydra 1.3.8's OverridesParser.

    override_grammar_diff.py [--seed N] [--count N] [--cli PATH] \
        [--hydra-python PATH] [--out DIR] [--inputs FILE] [--corpus DIR] [--no-minimize]

The reference side runs in ONE persistent Hydra Python process (JSON lines over
stdin/stdout) and renders each parsed Override in the conformance-corpus format
(shared/conformance/README.md, kind `overrides`): input, key, package, type,
value_type, then value + value_str, sweep, interval or glob; or `error`.
Our side is `CLI parse-override -- INPUT`, one input per call, compared with the
rules of shared/conformance/check.py (tree equality, types matter, floats by
value; a Hydra error needs a clean error from us: exit > 0, not 101, a message,
no panic).

Extra rules:
  * shuffle(): a sweep whose Hydra value has shuffle=True, or an input whose Hydra
    result changes with the random seed (checked under 8 seeds), is compared
    order-insensitively (lists sorted canonically, value_str compared as a multiset
    of characters).  A shuffle() whose order Hydra loses (int(shuffle(3,1,2)) keeps
    3,1,2) is compared in order.
  * Hydra can *parse* a few inputs whose value it cannot represent (a sweep inside
    a list, an infinite or huge range, a range with step 0 that only fails when
    expanded).  These are reported under their own categories.

--corpus DIR checks that the reference renderer reproduces an existing corpus
(shared/conformance/overrides) before trusting it.  --inputs FILE runs the lines
of FILE (one override per line) instead of generated inputs.

Writes DIR/mismatches.jsonl (every mismatch, raw and minimized) and
DIR/cases.txt (distinct minimized inputs).  Needs PyYAML; Hydra is only needed
in the --hydra-python interpreter (never a project dependency).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time

import yaml

# --------------------------------------------------------------------------------------
# Reference worker (runs inside the Hydra interpreter).

WORKER = r'''
import sys, json, math, random, yaml, warnings
warnings.simplefilter("ignore")
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import (QuotedString, ChoiceSweep, RangeSweep,
    IntervalSweep, Glob, Sweep)
P = OverridesParser.create()
CAP = 5000

class NonPlain(Exception):
    pass

def fl(x):
    if math.isnan(x): return ".nan"
    if math.isinf(x): return ".inf" if x > 0 else "-.inf"
    return x

def key(k):
    if isinstance(k, QuotedString): return k.text
    if isinstance(k, str): return k
    if isinstance(k, float) and (math.isnan(k) or math.isinf(k)): return json.dumps(k)
    return json.dumps(k)   # JSON's key convention: 1 -> "1", true -> "true", null -> "null"

def conv(v):
    if isinstance(v, QuotedString): return v.text
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return v
    if isinstance(v, float): return fl(v)
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, dict): return {key(k): conv(x) for k, x in v.items()}
    raise NonPlain(type(v).__name__)

def render(s):
    try:
        o = P.parse_overrides([s])[0]
    except BaseException as e:
        return {"input": s, "error": f"{type(e).__name__}: {e}"}
    e = {"input": s, "key": o.key_or_group, "package": o.package,
         "type": {"CHANGE": "change", "ADD": "add", "FORCE_ADD": "force_add", "DEL": "delete"}[o.type.name],
         "value_type": o.value_type.name.lower() if o.value_type is not None else None}
    v = o._value
    meta = {"shuffle": bool(getattr(v, "shuffle", False)) if isinstance(v, Sweep) else False}
    try:
        if o.value_type is None:
            pass
        elif o.value_type.name == "ELEMENT":
            e["value"] = conv(o.value())
            e["value_str"] = o.get_value_element_as_str()
        elif o.value_type.name == "INTERVAL_SWEEP":
            e["interval"] = [conv(v.start), conv(v.end)]
        elif o.value_type.name == "GLOB_CHOICE_SWEEP":
            e["glob"] = {"include": conv(v.include), "exclude": conv(v.exclude)}
        else:
            out = []
            try:
                for x in o.sweep_iterator():
                    out.append(conv(x))
                    if len(out) > CAP:
                        return {"input": s, "hydra_special": "huge_sweep", "partial": e}
            except NonPlain:
                raise
            except BaseException as ex:
                return {"input": s, "hydra_special": "expansion_error",
                        "detail": f"{type(ex).__name__}: {ex}", "partial": e}
            e["sweep"] = out
    except NonPlain as ex:
        return {"input": s, "hydra_special": "nonplain_value", "detail": str(ex), "partial": e}
    except BaseException as ex:
        return {"input": s, "hydra_special": "render_error", "detail": f"{type(ex).__name__}: {ex}", "partial": e}
    e["_meta"] = meta
    return e

def render_checked(s):
    """shuffle() is random: render under several seeds; if the results differ the
    input is marked nondeterministic (compared order-insensitively)."""
    random.seed(0)
    res = render(s)
    if "shuffle" in s and "error" not in res and "hydra_special" not in res:
        first = json.dumps(res, sort_keys=True, default=str)
        for seed in range(1, 8):
            random.seed(seed)
            if json.dumps(render(s), sort_keys=True, default=str) != first:
                res["_meta"]["shuffle"] = True
                break
    return res

for line in sys.stdin:
    req = json.loads(line)
    res = render_checked(req["input"])
    sys.stdout.write(json.dumps({"yaml": yaml.safe_dump(res, allow_unicode=True, sort_keys=False)}) + "\n")
    sys.stdout.flush()
'''


class Hydra:
    def __init__(self, python):
        self.p = subprocess.Popen([python, "-c", WORKER], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.cache = {}

    def __call__(self, s):
        if s in self.cache:
            return self.cache[s]
        self.p.stdin.write(json.dumps({"input": s}) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError("hydra worker died")
        r = yaml.safe_load(json.loads(line)["yaml"])
        self.cache[s] = r
        return r


# --------------------------------------------------------------------------------------
# check.py's comparison rules.

# The corpus harness's own rules, not a copy (tests/conformance is the synced
# copy of shared/conformance).
# No __pycache__ there: the copy must stay identical to the shared corpus.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "conformance"))
from check import clean_error, same  # noqa: E402


OVERRIDE_FIELDS = ["key", "package", "type", "value_type", "value", "value_str", "sweep", "interval", "glob"]


def canon(v):
    """Order-insensitive form for shuffle(): every list sorted by a typed repr."""
    if isinstance(v, list):
        return sorted((canon(x) for x in v), key=lambda x: json.dumps(typed(x), sort_keys=True))
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    return v


def typed(v):
    if isinstance(v, list):
        return ["L"] + [typed(x) for x in v]
    if isinstance(v, dict):
        return ["D"] + [[k, typed(x)] for k, x in v.items()]
    if isinstance(v, float) and math.isnan(v):
        return ["float", "nan"]
    return [type(v).__name__, repr(v)]


class Ours:
    def __init__(self, cli):
        self.cli = cli
        self.cache = {}

    def __call__(self, s):
        if s in self.cache:
            return self.cache[s]
        try:
            p = subprocess.run([self.cli, "parse-override", "--", s], capture_output=True,
                               text=True, encoding="utf-8", errors="replace", timeout=10)
            r = (p.returncode, p.stdout, p.stderr)
        except subprocess.TimeoutExpired:
            r = (124, "", "timed out")
        self.cache[s] = r
        return r


def compare(h, o, s):
    """None when they agree, else (category, detail dict)."""
    code, out, err = o
    ours_err = code != 0
    if code == 101 or "panicked at" in err:
        return ("ours_crash", {"hydra": h, "ours": err.strip()[-300:]})
    if code == 124:
        return ("ours_timeout", {"hydra": h})
    if "hydra_special" in h:
        # Hydra parses it but cannot render/expand the value.
        kind = h["hydra_special"]
        if ours_err:
            if kind in ("expansion_error", "huge_sweep"):
                return None if kind == "expansion_error" else ("hydra_huge_ours_err", {"hydra": h, "ours": err.strip()[-300:]})
            return ("hydra_parses_%s_ours_err" % kind, {"hydra": h, "ours": first_err_line(err)})
        got = parse_ours(out)
        if kind == "huge_sweep":
            return None
        return ("hydra_%s_ours_ok" % kind, {"hydra": h, "ours": got})
    if "error" in h:
        if ours_err:
            return None if clean_error(code, err) else ("ours_unclean_error", {"hydra": h["error"], "ours": err[-300:]})
        return ("hydra_err_ours_ok", {"hydra": h["error"], "ours": parse_ours(out)})
    if ours_err:
        return ("hydra_ok_ours_err", {"hydra": strip_meta(h), "ours": first_err_line(err)})
    got = parse_ours(out)
    if not isinstance(got, dict):
        return ("ours_bad_output", {"hydra": strip_meta(h), "ours": out[-300:]})
    # shuffle(): a sweep flagged shuffle=True, or a result that changes with the random seed
    unordered = h.get("_meta", {}).get("shuffle")
    bad = []
    for f in OVERRIDE_FIELDS:
        if f not in h:
            continue
        a, b = got.get(f), h[f]
        if unordered:
            if f == "value_str" and isinstance(a, str) and isinstance(b, str):
                a, b = sorted(a), sorted(b)
            else:
                a, b = canon(a), canon(b)
        if not same(a, b):
            bad.append(f)
    if not bad:
        return None
    return ("diff:" + ",".join(bad), {"hydra": strip_meta(h), "ours": got,
                                      "fields": {f: {"hydra": h.get(f), "ours": got.get(f)} for f in bad}})


def strip_meta(h):
    return {k: v for k, v in h.items() if k != "_meta"}


def first_err_line(err):
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    return lines[0][:300] if lines else ""


def parse_ours(out):
    try:
        v = yaml.safe_load(out)
    except yaml.YAMLError as e:
        return {"<not yaml>": str(e)[:200]}
    if isinstance(v, list) and v:
        return v[0]
    return v


# --------------------------------------------------------------------------------------
# Input generator.

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, *xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    # ---- keys
    def ident(self):
        r = self.r
        first = r.choice("abcxyzABZ_" + "ab" * 4)
        rest = "".join(r.choice("abcdz019_-" + "ab" * 3) for _ in range(r.randint(0, 4)))
        return first + rest

    def key_segment(self):
        k = self.pick("id", "id", "id", "id", "dollar", "int", "weird")
        if k == "id":
            return self.ident()
        if k == "dollar":
            return "$" + self.pick("", "a", "HOME", "a-b", "1", "_x")
        if k == "int":
            return self.pick("0", "1", "12", "1_000", "01", "007", "0_1")
        return self.pick("", "[0]", "a[", "ü", "ключ", "a b", "-a", "a:b", "*", "1a", "a.", "a%")

    def key(self):
        k = self.pick("plain", "plain", "dotted", "dotted", "group", "pkg", "abs", "weird")
        if k == "plain":
            base = self.key_segment()
        elif k == "dotted":
            base = ".".join(self.key_segment() for _ in range(self.r.randint(2, 4)))
        elif k == "group":
            base = "/".join(self.key_segment() for _ in range(self.r.randint(2, 3)))
        elif k == "abs":
            base = "/" + "/".join(self.ident() for _ in range(self.r.randint(1, 2)))
        elif k == "pkg":
            base = self.pick(self.ident(), "/".join(self.ident() for _ in range(2)), "")
        else:
            base = self.pick("", "@", "a@b@c", "a..b", ".a", "a.", "a/", "a//b", "a/b.c", "$a/b",
                             "a b", "a\tb", "a=b", "hydra/launcher", "hydra.run.dir", "a-", "_", "$",
                             "a.$b", "a.0.b", "0.a", "a.01", "a.-1", "_global_", "a@_global_")
        if self.chance(0.25) or k == "pkg":
            pkg = self.pick("", "pkg", "a.b", "_global_", "_group_", "$x", "a.b.c", "a/b", "0", "a-b",
                            "_name_", "a..b", "1.a", "a.1", "@", "a b")
            base = base + "@" + pkg
        return base

    def prefix(self):
        return self.pick("", "", "", "", "+", "++", "~", "+", "~", "+++", "~~", "+~", "~+", " ", "-")

    # ---- values
    def integer(self):
        return self.pick(
            "0", "1", "42", "-1", "+1", "-0", "+0", "1_000", "1_0_0", "1__0", "_1", "1_", "007", "00",
            "0_0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "99999999999999999999999", "18446744073709551616", "10", "123456", "-42", "+-1", "--1",
            "0x10", "0o7", "0b1", "1 000", str(self.r.randint(-1000, 1000)))

    def flt(self):
        return self.pick(
            "1.5", "-1.5", "+1.5", ".5", "-.5", "+.5", "5.", "-5.", "0.0", "-0.0", "1e3", "1E3", "1e+3",
            "1e-3", "-1e-3", "1.5e10", ".5e2", "5.e2", "1_0.5", "1.0_5", "1e1_0", "1e_10", "1._5",
            "1_.5", "inf", "-inf", "+inf", "INF", "Inf", "iNf", "nan", "NaN", "-nan", "+NAN",
            "infinity", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "4.9e-324", "1e16",
            "1e15", "1e-5", "0.0001", "0.00001", "123456789.123456789", "0.1", "0.30000000000000004",
            "1.7976931348623157e308", "2.5e-7", "1e22", "1e21", "12345678901234567890.0", ".", "1e",
            "e1", "1.2.3", "1..2", "1.e", "1.5f", "01.5", "00.5", "0.5e", "1e5.5", "5e-0", "1E-07")

    def boolean(self):
        return self.pick("true", "false", "True", "FALSE", "tRuE", "fAlSe", "yes", "no", "on", "off",
                         "truex", "true1", "_true", "t", "T", "TRUE_", "true-")

    def null(self):
        return self.pick("null", "NULL", "Null", "nUlL", "none", "None", "~", "nullx", "null_", "nul")

    def quoted(self):
        q = self.pick("'", '"')
        body = self.pick(
            "", "a", "hello", "a b", "  pad  ", "123", "1.5", "true", "null", "it's", 'say "hi"',
            "a,b", "x=1", "[1]", "{a: 1}", "${a}", "${oc.env:X,'d'}", "a\\b", "\\\\", "back\\\\slash",
            "\\'", '\\"', "ü ✓", "tab\there", "a\\\\\\'b", "$", "%", ":", "\\", "a\\", "\\\\\\\\",
            "line\nbreak", "'", '"', "a''b", 'a""b', "(x)", "glob(*)")
        if self.chance(0.3):
            return q + body.replace(q, "\\" + q) + q
        return q + body + q

    def unquoted(self):
        r = self.r
        parts = []
        for _ in range(r.randint(1, 4)):
            parts.append(self.pick(
                self.ident(), self.ident(), "a b", "a  b", "hello world", "/", "-", "\\", "+", ".", "$",
                "%", "*", "@", "?", "|", ":", "a:b", "/abs/path", "./rel", "..", "a.b", "*.txt", "?x",
                "\\ ", "\\,", "\\=", "\\:", "\\(", "\\)", "\\[", "\\]", "\\{", "\\}", "\\\\", "\\t",
                "\\\t", "\\q", "=", "#", "&", "!", "^", "'", '"', "`", ";", "<", ">", "~", "ü", "é", "∞",
                " ", "\t", "1", "1.5", "true", "null", "inf", "nan", "e5", "x1e5", "%Y-%m-%d", "100%"))
        return "".join(parts)

    def interp(self):
        return self.pick(
            "${a}", "${a.b}", "${.a}", "${..a.b}", "${oc.env:X}", "${oc.env:X,default}",
            "${oc.env:X,'quoted default'}", "${oc.env:X,\"dq\"}", "${oc.env:X,'a,b'}", "${now:%Y-%m-%d}",
            "${a.${b}}", "${oc.env:${x}}", "${}", "${a", "${a}}", "$a", "$", "\\${a}", "${a:b c}",
            "${a:'}'}", "${a:\"}\"}", "${ a }", "${a}${b}", "pre_${a}_post", "${a} ${b}", "${list.0}",
            "${a:[1,2]}", "${a:{b:1}}", "${a=b}", "${ü}", "$${a}", "${a\\}", "${'x'}", "${a,b}",
            "${oc.select:a,1}", "${oc.decode:'{a: 1}'}")

    def primitive(self, depth):
        k = self.pick("int", "float", "bool", "null", "quoted", "quoted", "unq", "unq", "interp", "mix")
        if k == "int":
            return self.integer()
        if k == "float":
            return self.flt()
        if k == "bool":
            return self.boolean()
        if k == "null":
            return self.null()
        if k == "quoted":
            return self.quoted()
        if k == "unq":
            return self.unquoted()
        if k == "interp":
            return self.interp()
        # concatenation of primitives (tokens glued)
        return "".join(self.pick(self.integer(), self.flt(), self.boolean(), self.quoted(),
                                 self.unquoted(), self.interp(), " ") for _ in range(self.r.randint(2, 3)))

    def ws(self):
        return self.pick("", "", "", "", " ", "  ", "\t", " \t")

    def sep(self):
        return self.ws() + "," + self.ws()

    def lst(self, depth):
        n = self.pick(0, 1, 2, 3, 4)
        items = [self.element(depth + 1) for _ in range(n)]
        s = "[" + self.ws() + self.sep().join(items)
        if self.chance(0.08):
            s += ","
        return s + self.ws() + "]"

    def dict_key(self):
        return self.pick(self.ident(), self.ident(), "1", "2.5", "true", "null", "a b", " a ", "a-b",
                         "$x", "a\\:b", "'q'", "\"dq\"", "${k}", "", "a.b", "/", "1e3", "inf", "nan",
                         "TRUE", "1.0", "-1", "+1", "1_0", "%", "a:b", "a,b", "ü")

    def dct(self, depth):
        n = self.pick(0, 1, 2, 3)
        pairs = []
        for _ in range(n):
            colon = self.pick(":", ": ", " : ", ":  ", "=", "")
            pairs.append(self.dict_key() + colon + self.element(depth + 1))
        if n >= 2 and self.chance(0.2):
            pairs.append(pairs[0].split(":")[0] + ": " + self.element(depth + 1))  # duplicate key
        s = "{" + self.ws() + self.sep().join(pairs)
        if self.chance(0.08):
            s += ","
        return s + self.ws() + "}"

    def func(self, depth):
        name = self.pick("int", "float", "str", "bool", "choice", "range", "interval", "glob", "sort",
                         "shuffle", "tag", "json_str", "choice", "range", "sort", "int", "str",
                         "Int", "unknown", "extend_list", "float", "bool")
        sp = self.pick("", "", "", "", " ")
        inner = self.pick("", "", "", " ")
        args = self.func_args(name, depth)
        return name + sp + "(" + inner + args + inner + ")"

    def num(self):
        return self.pick("0", "1", "2", "3", "5", "10", "-1", "-2", "0.5", "0.25", "0.1", "1.5", "-0.5",
                         "2.0", "0.3", "1e-1", "true", "false", "'1'", "a", "inf", "-inf", "nan", "0.0",
                         "1_0", "-3", "0.7", "3.0", "1e1", "100")

    def func_args(self, name, depth):
        r = self.r
        if name == "range":
            form = self.pick(1, 2, 3, 3, "kw", "kw2", 0, 4)
            small = lambda: self.pick("0", "1", "2", "3", "5", "10", "-1", "-2", "-5", "0.5", "0.25",
                                      "0.1", "1.5", "-0.5", "2.0", "0.3", "1e-1", "true", "false",
                                      "'1'", "a", "0.0", "1_0", "-3", "0.7", "3.0", "1e1", "null")
            step = lambda: self.pick("1", "2", "-1", "-2", "0.5", "0.25", "0.1", "0.3", "-0.5", "0",
                                     "0.0", "3", "-0.1", "1e-1", "0.2", "true", "0.15")
            if form == 0:
                return ""
            if form == 1:
                return small()
            if form == 2:
                return small() + self.sep() + small()
            if form == 3:
                return small() + self.sep() + small() + self.sep() + step()
            if form == 4:
                return ",".join(small() for _ in range(4))
            if form == "kw":
                return "start=" + small() + ",stop=" + small() + self.pick("", ",step=" + step())
            return small() + self.pick(",stop=", ",step=", ", stop = ") + small() + self.pick("", ",step=" + step(), ",start=1")
        if name == "interval":
            form = self.pick(2, 2, 2, 1, 3, "kw")
            if form == "kw":
                return "start=" + self.num() + ",end=" + self.num()
            return self.sep().join(self.num() for _ in range(form))
        if name == "glob":
            pat = lambda: self.pick("*", "a*", "*z", "?", "[ab]*", "foo", "'*'", "'a b'", "a.*", "1", "")
            plist = lambda: "[" + ",".join(pat() for _ in range(r.randint(0, 3))) + "]"
            form = self.pick("one", "list", "kw", "kw2", "excl", "empty", "three")
            if form == "one":
                return pat()
            if form == "list":
                return plist()
            if form == "kw":
                return "include=" + self.pick(pat(), plist()) + self.pick("", ",exclude=" + self.pick(pat(), plist()))
            if form == "kw2":
                return "exclude=" + pat() + ",include=" + pat()
            if form == "excl":
                return self.pick(pat(), plist()) + ",exclude=" + self.pick(pat(), plist())
            if form == "three":
                return pat() + "," + pat() + "," + pat()
            return ""
        if name == "tag":
            tags = [self.pick("log", "a", "b", "'q'", "1", "true", "x-y") for _ in range(r.randint(0, 2))]
            last = self.pick("choice(1,2)", "range(1,3)", "interval(0,1)", "a", "1", "sweep=choice(a)",
                             "choice(a,b)", "shuffle(1,2)", "sort(2,1)", "a,b")
            return ",".join(tags + [last])
        if name in ("sort", "shuffle"):
            form = self.pick("args", "args", "list", "sweep", "kw", "one", "empty", "rev", "mixed")
            if form == "args":
                return ",".join(self.pick("3", "1", "2", "a", "c", "b", "1.5", "true", "'z'", "-1", "10")
                                for _ in range(r.randint(2, 4)))
            if form == "list":
                return "[" + ",".join(self.pick("3", "1", "2", "a", "b", "'z'", "1.5", "null", "[1]")
                                      for _ in range(r.randint(0, 4))) + "]" + self.pick("", ",reverse=true")
            if form == "sweep":
                return self.pick("choice(3,1,2)", "range(5,0,-1)", "range(0,5)", "range(1,10,3)",
                                 "range(10,1,-3)", "range(0,1,0.3)", "range(1,0,-0.25)", "choice(b,a)",
                                 "shuffle(1,2,3)", "sort(1,2)", "interval(0,1)", "range(0,10,4)",
                                 "range(3)", "range(5,0,-2)", "range(1.5,0.0,-0.5)") + self.pick(
                    "", ",reverse=true", ",reverse=false", ",reverse=1")
            if form == "kw":
                return self.pick("list=[b,a,c]", "sweep=choice(2,1)", "list=[2,1],reverse=true",
                                 "sweep=range(1,4),reverse=true", "reverse=true", "list=a", "sweep=a",
                                 "list=[1,'a']", "sweep=range(0,1,0.25),reverse=true")
            if form == "one":
                return self.element(depth + 1)
            if form == "rev":
                return "3,1,2,reverse=" + self.pick("true", "false", "True", "1", "'true'", "yes")
            if form == "mixed":
                return self.pick("1,a", "1,'a'", "true,1", "1.5,2", "null,1", "[1],[0]", "{a:1},{b:2}",
                                 "a,A,b,B", "'b','a'", "['b','a']", "[b,'a']")
            return ""
        if name in ("int", "float", "str", "bool", "json_str", "Int", "unknown", "extend_list"):
            form = self.pick("elem", "elem", "elem", "str", "sweep", "multi", "kw", "empty", "nested")
            if form == "elem":
                return self.element(depth + 1)
            if form == "str":
                return self.quoted()
            if form == "sweep":
                return self.pick("choice(1.5,2.5)", "range(1,4)", "range(0.0,3.0)", "interval(1.5,9.9)",
                                 "interval(0,1)", "choice(a,b)", "choice('1','0')", "choice(0,1,true)",
                                 "shuffle(3,1,2)", "sort(3,1,2)", "tag(a,choice(1,2))", "range(0,1,0.5)",
                                 "glob(*)", "choice([1.5],[2])", "choice({a:1.5})")
            if form == "multi":
                return ",".join(self.primitive(depth + 1) for _ in range(r.randint(2, 3)))
            if form == "kw":
                return "value=" + self.element(depth + 1) + self.pick("", ",value=2", ",x=1")
            if form == "nested":
                inner = self.pick("int", "float", "str", "bool")
                return inner + "(" + self.element(depth + 1) + ")"
            return ""
        # choice
        form = self.pick("many", "many", "one", "kw", "empty", "nested", "containers")
        if form == "many":
            return self.sep().join(self.element(depth + 1) for _ in range(r.randint(2, 4)))
        if form == "one":
            return self.element(depth + 1)
        if form == "kw":
            return self.pick("a,b=1", "x=1", "a=1,b=2", "choice=1")
        if form == "nested":
            return self.pick("choice(a,b)", "a,choice(b)", "range(1,3)", "sort(1,2)", "shuffle(1,2)",
                             "interval(0,1)", "glob(*)", "str(1,2)", "int(1.5,2.5)")
        if form == "containers":
            return self.sep().join(self.pick(self.lst(depth + 1), self.dct(depth + 1)) for _ in range(r.randint(1, 3)))
        return ""

    def element(self, depth=0):
        if depth > 3:
            return self.primitive(depth)
        k = self.pick("prim", "prim", "prim", "prim", "list", "dict", "func", "func")
        if k == "prim":
            return self.primitive(depth)
        if k == "list":
            return self.lst(depth)
        if k == "dict":
            return self.dct(depth)
        return self.func(depth)

    def value(self):
        k = self.pick("elem", "elem", "elem", "elem", "sweep", "empty", "ws")
        if k == "elem":
            v = self.element()
        elif k == "sweep":
            v = self.sep().join(self.element(1) for _ in range(self.r.randint(2, 4)))
        elif k == "empty":
            v = ""
        else:
            v = self.ws() + self.element() + self.ws()
        return v

    def override(self):
        p = self.prefix()
        k = self.key()
        if p.startswith("~") and self.chance(0.5):
            s = p + k
        else:
            eq = self.pick("=", "=", "=", "=", "= ", "=\t", " =", "==")
            s = p + k + eq + self.value()
        if self.chance(0.12):
            s = self.mutate(s)
        return s

    def mutate(self, s):
        r = self.r
        for _ in range(r.randint(1, 2)):
            op = r.choice("dis")
            pos = r.randint(0, len(s))
            ch = r.choice("[]{}(),:='\"\\ $%*?./@+~-_aA1\t")
            if op == "d" and s:
                pos = min(pos, len(s) - 1)
                s = s[:pos] + s[pos + 1:]
            elif op == "i":
                s = s[:pos] + ch + s[pos:]
            elif s:
                pos = min(pos, len(s) - 1)
                s = s[:pos] + ch + s[pos + 1:]
        return s

    def soup(self, alphabet, lo, hi):
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randint(lo, hi)))

    VALUE_ALPHA = list("ab1 .,:'\"\\$%{}[]()=-+_*/@?|eE0\t") + ["${", "}", "\\'", "inf", "nan", "true",
                                                                  "null", "int(", "str(", "choice("]
    KEY_ALPHA = list("ab1_-$.@/+~0=:[ ") + ["a.b", "a/b", "_global_"]

    def soup_override(self):
        """Random token soup: stresses lexing (quotes, escapes, interpolations, numbers)."""
        k = self.pick("value", "value", "value", "key", "quoted", "interp", "esc", "number")
        if k == "value":
            return "x=" + self.soup(self.VALUE_ALPHA, 1, 8)
        if k == "key":
            return self.soup(self.KEY_ALPHA, 1, 6) + self.pick("=1", "", "=")
        if k == "quoted":
            q = self.pick("'", '"')
            body = self.soup(list("ab \\'\"$"), 0, 6)
            open_, close = self.pick(("", ""), ("", ""), ("[", "]"), ("{a:", "}"), ("str(", ")"), ("", ",b"), ("[b,", "]"))
            return "x=" + open_ + q + body + q + self.pick("", "", "", "a", " ", q) + close
        if k == "interp":
            body = self.soup(list("ab.:,'\" {}$\\") , 0, 6)
            return "x=" + self.pick("", "a", "'") + "${" + body + "}" + self.pick("", "", "}", "a", "'")
        if k == "esc":
            return "x=" + self.soup(["\\", "\\\\", "\\ ", "\\,", "\\:", "\\=", "\\(", "\\)", "\\[",
                                     "\\]", "\\{", "\\}", "\\\t", "\\q", "a", " ", "\\'", "b"], 1, 5)
        sign = self.pick("", "", "-", "+")
        return "x=" + sign + self.soup(list("0123456789_.eE+-") + ["inf", "nan"], 1, 7)

    def rand_float(self):
        r = self.r
        k = self.pick("dec", "dec", "exp", "tiny", "big", "int")
        sign = self.pick("", "", "-")
        if k == "dec":
            return sign + str(r.randint(0, 10 ** r.randint(1, 9))) + "." + str(r.randint(0, 10 ** r.randint(1, 12))).zfill(r.randint(1, 6))
        if k == "exp":
            return sign + str(r.randint(1, 9999)) + self.pick(".", "", "." + str(r.randint(0, 999))) + self.pick("e", "E") + str(r.randint(-30, 30))
        if k == "tiny":
            return sign + "0." + "0" * r.randint(3, 8) + str(r.randint(1, 99999))
        if k == "big":
            return sign + str(r.randint(10 ** 14, 10 ** 19)) + "." + str(r.randint(0, 99))
        return sign + str(r.randint(0, 10 ** r.choice([1, 2, 3, 5, 8, 12, 15, 18, 18, 19, 25])))

    def small_dec(self):
        r = self.r
        return self.pick(str(r.randint(-5, 5)), "%d.%d" % (r.randint(-3, 3), r.randint(0, 99)),
                         "0.%02d" % r.randint(1, 99), "%.3g" % r.uniform(-3, 3), "0.1", "0.2", "0.3", "0.7")

    def numeric_override(self):
        """Numbers: float rendering, casts, Decimal float ranges, sort() of ranges."""
        r = self.r
        k = self.pick("float", "float", "str", "int", "range", "range", "range", "sortrange", "interval", "list",
                      "sortlist", "sortlist", "dictkeys", "dictkeys")
        if k == "dictkeys":
            keys = [self.pick("1", "1.0", "true", "0", "-0.0", "false", "0.0", "nan", "inf", "-inf", "1e0", "10",
                              "1_0", "'q'", "q", "null", "NULL", "+1", "01", "1.", ".0", "True", "a b", "-1")
                    for _ in range(r.randint(1, 4))]
            body = "{" + ",".join("%s:%s" % (kk, chr(97 + i)) for i, kk in enumerate(keys)) + "}"
            return "x=" + self.pick(body, body, "[" + body + "]", "str(" + body + ")", "int({%s:1.5})" % keys[0],
                                    body + ",b")
        if k == "sortlist":
            items = [self.pick("nan" if r.random() < 0.3 else "1", "inf", "-inf", "1", "1.0", "true", "false", "0",
                               "0.0", "-0.0", "2", "-1", "1e-3", "True", "0.5", "3", "'a'", "a", "[1]", "[0,1]",
                               "[]") for _ in range(r.randint(2, 6))]
            rev = self.pick("", "", ",reverse=true", ",reverse=false")
            form = self.pick("args", "list", "choice", "kwlist")
            if form == "args":
                return "x=sort(" + ",".join(items) + rev + ")"
            if form == "list":
                return "x=sort([" + ",".join(items) + "]" + rev + ")"
            if form == "choice":
                return "x=sort(choice(" + ",".join(items) + ")" + rev + ")"
            return "x=sort(list=[" + ",".join(items) + "]" + rev + ")"
        if k == "float":
            return "x=" + self.rand_float()
        if k == "str":
            return "x=str(" + self.rand_float() + ")"
        if k == "int":
            return "x=" + self.pick("int", "float", "bool") + "(" + self.pick(self.rand_float(), "'" + self.rand_float() + "'") + ")"
        if k == "interval":
            return "x=" + self.wrap_cast("interval(" + self.rand_float() + "," + self.rand_float() + ")")
        if k == "list":
            return "x=[" + ",".join(self.rand_float() for _ in range(r.randint(1, 3))) + "]"
        # ranges kept small so they expand to <= ~60 items
        for _ in range(20):
            a, b, st = self.small_dec(), self.small_dec(), self.small_dec()
            try:
                fa, fb, fs = float(a), float(b), float(st)
            except ValueError:
                continue
            if fs == 0 or (fb - fa) / fs > 60 or (fb - fa) / fs < -2:
                continue
            break
        body = "range(%s,%s,%s)" % (a, b, st) if r.random() < 0.85 else "range(%s,%s)" % (a, b)
        if k == "sortrange":
            body = "sort(%s%s)" % (body, self.pick("", ",reverse=true"))
        return "x=" + self.wrap_cast(body)

    def wrap_cast(self, body):
        c = self.pick("", "", "", "", "int", "float", "shuffle", "tag(a,")
        if c == "":
            return body
        if c.endswith(","):
            return c + body + ")"
        return c + "(" + body + ")"

    def simple_key_override(self):
        """Most key-side bugs only need a trivial value; most value-side bugs a trivial key."""
        if self.chance(0.5):
            return self.prefix() + self.key() + "=1"
        return "x=" + self.value()


# Hand-picked edge cases always run first.
SEEDS = r"""
x=1
x=-0
x=+0
x=007
x=00
x=1_000
x=1__0
x=_1
x=1_
x=9223372036854775807
x=9223372036854775808
x=-9223372036854775809
x=99999999999999999999999
x=1e16
x=1e15
x=1e-5
x=0.0001
x=123456789.123456789
x=1e22
x=1e400
x=4.9e-324
x=1.2.3
x=1..2
x=5e
x=0x10
x=1e1_0
x=1_0.5
x=1._5
x=1_.5
x=--1
x=+-1
x=1-2
x=infinity
x=nan
x=-nan
x=iNf
x=truex
x=true1
x=true false
x=a  b
x=a b 
x= a
x=  
x=\
x=\\
x=\q
x=\ 
x=a\ 
x=\,
x='a' 'b'
x='a'b
x=a'b'
x='a''b'
x="a"'b'
x='it\'s'
x='\\'
x='a\\'
x='a\\\'b'
x="\\\\"
x='\'
x='a\b'
x=${a:'}'}
x=${a:"}"}
x=${ü}
x=${a}}
x=${a
x=$${a}
x=\${a}
x=${a\}
x=[1,]
x=[,1]
x=[ ]
x={ }
x=[ 1 , 2 ]
x={a:1,}
x={a: 1, a: 2}
x={a:1, b:2, a:3}
x={1: a, 1.0: b}
x={true: a, 1: b}
x={null: a}
x={true: a}
x={1e3: a}
x={inf: a}
x={nan: a}
x={'q': 1}
x={a b: 1}
x={ a : 1 }
x={a\:b: 1}
x={a:b:c}
x={a: b: c}
x={-1: a}
x={+1: a}
x={1_0: a}
x={1.0: a}
x={TRUE: a}
x={/: a}
x={%: a}
x={a.b: 1}
x={$x: 1}
x={a-b: 1}
x=[a:b]
x=a:b
x=:
x=a,b
x=a,
x=,a
x=a,,b
x=a, b ,c
x=[a],[b]
x=choice(a,b),c
x=[choice(a,b)]
x={a: choice(1,2)}
x=int([choice(1,2)])
x=choice()
x=choice(a)
x=choice(choice(a,b))
x=choice(a,choice(b))
x=choice(a=1)
x=choice(a,b=1)
x=choice(range(1,3))
x=choice(interval(0,1))
x=choice(glob(*))
x=choice(str(1,2))
x=range(0)
x=range(-1)
x=range(5)
x=range(1.5)
x=range(0,1,0.1)
x=range(0.1,0.4,0.1)
x=range(0,1,0.3)
x=range(1,0,-0.25)
x=range(0,5,0)
x=range(0.0,5,0)
x=range(true,5)
x=range(false,true)
x=range(1,5,true)
x=range(a,5)
x=range('1',5)
x=range(null)
x=range(1,null)
x=range(1,5,null)
x=range(start=1)
x=range(stop=3)
x=range(step=2)
x=range(1,stop=4,step=2)
x=range(1,2,3,4)
x=range(0,1e1)
x=range(0,3,1.0)
x=range(0,2,0.5,)
x=range(1_0)
x=range(-3,3,2)
x=range(0,-1,-0.3)
x=range(0.5,2)
x=range(10,0,-3)
x=sort(range(10,0,-3))
x=sort(range(1,10,3),reverse=true)
x=sort(range(0,1,0.3),reverse=true)
x=sort(range(1,0,-0.25))
x=sort(range(5,0,-2))
x=sort(range(0,10,4),reverse=true)
x=sort(range(1.5,0.0,-0.5))
x=sort(range(3))
x=sort(range(0,0))
x=sort(range(5,5),reverse=true)
x=sort(range(1,5),reverse=false)
x=sort(range(1,5,-1))
x=sort(range(5,1))
x=sort(range(5,1),reverse=true)
x=sort(3,1,2)
x=sort(3,1,2,reverse=true)
x=sort(3,1,2,reverse=1)
x=sort(3,1,2,reverse='true')
x=sort(1,a)
x=sort(true,0)
x=sort(1.5,1)
x=sort(null,1)
x=sort(b,'a')
x=sort('b','a')
x=sort(['b','a'])
x=sort(['a'])
x=sort([b,'a'])
x=sort([1,[0]])
x=sort([[1],[0]])
x=sort([{a:1},{b:2}])
x=sort([])
x=sort()
x=sort(a)
x=sort('a')
x=sort([3,1,2],reverse=true)
x=sort(list=[b,a])
x=sort(list=a)
x=sort(sweep=choice(2,1))
x=sort(sweep=a)
x=sort(choice(b,a),reverse=true)
x=sort(shuffle(3,1,2))
x=sort(interval(0,1))
x=sort(a,A,b,B)
x=sort(1,2,3,4,5,6,7,8,9,10)
x=sort(10,9,1)
x=sort(reverse=true)
x=sort(1,2,list=[3])
x=sort({a:1})
x=sort(${a},${b})
x=shuffle()
x=shuffle(a)
x=shuffle('a')
x=shuffle([1,2,3])
x=shuffle(1,2,3)
x=shuffle(list=[1,2])
x=shuffle(sweep=choice(1,2))
x=shuffle(range(1,4))
x=shuffle(interval(0,1))
x=shuffle(choice(1,2))
x=int(shuffle(3,1,2))
x=str(shuffle(3,1,2))
x=float(shuffle(range(1,3)))
x=tag(a,shuffle(3,1,2))
x=choice(shuffle(1,2))
x=sort(shuffle(range(1,3)))
x=tag(log,interval(0,1))
x=tag(interval(0,1))
x=tag(a,b,choice(1,2))
x=tag(sweep=choice(1,2))
x=tag(a,sweep=choice(1,2))
x=tag(a,1)
x=tag('a',choice(1))
x=tag()
x=tag(a)
x=tag(a,b)
x=tag(a,glob(*))
x=tag(a,sort(2,1))
x=tag(a,str(1,2))
x=interval(0,1)
x=interval(1,0)
x=interval(true,false)
x=interval('0',1)
x=interval(a,1)
x=interval(0,inf)
x=interval(nan,1)
x=interval(1)
x=interval(1,2,3)
x=interval(start=1,end=2)
x=interval(end=2,start=1)
x=interval(0,1e400)
x=interval(null,1)
x=int(interval(1.5,9.9))
x=float(interval(1,2))
x=bool(interval(0,1))
x=str(interval(0,1))
x=int(interval(0,inf))
x=glob(*)
x=glob('*')
x=glob(['a*',b])
x=glob([])
x=glob(1)
x=glob([1,2])
x=glob(true)
x=glob(null)
x=glob(*,exclude=[])
x=glob(*,exclude=null)
x=glob(*,exclude=1)
x=glob(include=[a*],exclude=b*)
x=glob(exclude=b*,include=a*)
x=glob(exclude=b*)
x=glob(a,b)
x=glob(a,b,c)
x=glob(a b)
x=glob(*.yaml)
x=glob(?)
x=glob(include=*)
x=glob([a*],[b*])
x=glob({a:1})
x=choice(null)
x=choice(a,null)
x=choice(glob(*))
x=choice(sort(2,1))
x=choice(int(choice(1,2)))
x=choice(int(1,2))
x=choice(tag(a,choice(1)))
x=range(1,step=2)
x=range(1,null)
x=range(null,1)
x=range(1,2,null)
x=range(1,2,x=1)
x=interval(1,end=2)
x=interval(1,null)
x=sort(null)
x=sort({a:1})
x=sort(1,[2])
x=sort(1,list=[2])
x=sort(tag(t,choice(2,1)))
x=sort(1,1.0,true)
x=sort(1,1.0,true,reverse=true)
x=sort(true,1,1.0,reverse=true)
x=sort([1,1.0,true],reverse=true)
x=sort([nan,1,0])
x=sort([1,nan,0])
x=sort([0,nan,1],reverse=true)
x=sort(nan,1,0)
x=sort([[2],[1]])
x=sort([[1,a],[1,2]])
x=sort([null,null])
x=sort([1,null])
x=sort(reverse=true,list=[2,1])
x=shuffle({a:1})
x=shuffle([])
x=shuffle(1,list=[2])
x=shuffle(tag(a,range(1,3)))
x=int(tag(a,choice(1.5)))
x=int(['1'])
x=str(['a'])
x=str(["a b"])
x=str('a b')
x=bool(['false'])
x=int(value=[1.5])
x=str(value=choice(1,2))
x=int(glob(*))
x=int(range(0,1,0.25))
x=int(range(0.5,3.5))
x=tag(true,choice(a))
x=tag(null,choice(a))
x=tag('a',choice(1))
x=glob(null)
x=glob(include=1)
x=glob([1])
x=sort(sweep=interval(0,1))
x='😀'
x=${😀}
x=😀
x=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
x=int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(int(1.5))))))))))))))))))))
x=int(3.7)
x=int(-3.7)
x=int(1e20)
x=int(-1e19)
x=int(1e300)
x=int(inf)
x=int(nan)
x=int(true)
x=int(null)
x=int('')
x=int(' 7 ')
x=int('+5')
x=int('007')
x=int('1_000')
x=int('1__0')
x=int('٣')
x=int('1.5')
x=int('0x10')
x=int(a)
x=int([1.5,[2.5]])
x=int({a:1.5})
x=int({1.5:2.5})
x=int([])
x=int({})
x=int(1,2)
x=int(1.5,2.5)
x=int(value=1.5)
x=int(1,value=2)
x=int(x=1)
x=int()
x=int(${a})
x=float(3)
x=float(true)
x=float(null)
x=float('1_0.5')
x=float('1e1_0')
x=float(' nan ')
x=float('+InFiNiTy')
x=float('-iNF')
x=float('1.')
x=float('.')
x=float('0x1p3')
x=float('١.٥')
x=float(99999999999999999999)
x=float(9007199254740993)
x=float(a)
x=float([1,2])
x=str(42)
x=str(3.0)
x=str(1e-3)
x=str(1e16)
x=str(1e15)
x=str(0.00001)
x=str(1.5e-7)
x=str(1e22)
x=str(-0.0)
x=str(1e400)
x=str(nan)
x=str(-inf)
x=str(1_000)
x=str(true)
x=str(TRUE)
x=str(null)
x=str([1,null])
x=str(abc)
x=str('a b')
x=str(a b)
x=str(${a})
x=str({a:1,b:true})
x=str({1:2})
x=str(1,2.5,true)
x=str(choice(1.5,true))
x=str(range(1,3))
x=str(99999999999999999999)
x=str(0.1)
x=str(123456789.123456789)
x=str(int(2.5))
x=str(str(1))
x=str(float(1))
x=bool(1)
x=bool(0)
x=bool(2)
x=bool(-1)
x=bool(0.0)
x=bool(0.1)
x=bool(nan)
x=bool(inf)
x=bool(null)
x=bool('')
x=bool('true')
x=bool(' true')
x=bool('TRUE')
x=bool('1')
x=bool(yes)
x=bool([0,1,null])
x=bool({a:0})
x=bool(choice(0,1))
x=bool(range(0,2))
x=bool(true,false)
x=json_str({a: 1})
x=json_str([1,2])
x=Int(1)
x=unknown(1)
x=extend_list(1,2)
x=int (3)
x=int( 3 )
x=int(3 )
x=int ( 3 )
x=int(	3)
x=choice (a, b)
x=choice( a , b )
x=choice(a , b)
x=f()x
x=(1)
x=int(1
x=int 1)
x=int)(
x=a(1)
x=_a(1)
x=a-b(1)
x=1(2)
x=a.b(1)
x=$a(1)
x=int(1)(2)
x=int(1)x
x=x int(1)
x=[int(1.5)]
x={a: int(1.5)}
x=int(1.5),float(1)
x=int(a=1)
x=range(1,5),a
x=[range(1,3)]
x=interval(0,1),a
x=[interval(0,1)]
x=glob(*),a
x=[glob(*)]
x=tag(a,choice(1,2)),b
x=[1] [2]
x=[1][2]
x={a:1}{b:2}
x=[1]a
x=a[1]
x=a{b}
x=a}
x=a]
x=a)
x=a(
x=a[
x=a{
x==1
x=a=b
x=[a=b]
x={a=1}
a
a=
~a
~a=
+a=
++a=
+a
++a
~a=1
~a=null
~a=[1]
~a=a,b
+++a=1
++~a=1
~~a
~+a=1
+~a=1
=1
@=1
@a=1
a@=1
a@b@c=1
a@_global_=1
a@_group_=1
a@$x=1
a@a.b.c=1
a@a/b=1
a@0=1
a@1.a=1
a@a.1=1
a/b@c=1
a/b@c.d=1
a-b/c=1
a/b-c=1
$a/b=1
a/$b=1
/a=1
//a=1
a//b=1
a/=1
a/b.c=1
a.b/c=1
a.b=1
a..b=1
a.=1
.a=1
0=1
0.a=1
a.0=1
a.01=1
a.00=1
a.0_0=1
a.1_000=1
a.0.1=1
1.2=1
1_000.a=1
01.a=1
a.-1=1
a.-b=1
$=1
$a=1
$1=1
a$=1
a$b=1
a.$b=1
a.b$=1
_=1
__=1
_.a=1
a-=1
-a=1
a--b=1
a_-_b=1
A=1
Ab.Cd=1
ü=1
a.ü=1
a[0]=1
a[=1
a:b=1
a b=1
a =1
 a=1
a	=1
a*=1
a?=1
a%=1
a+=1
a~=1
hydra/launcher=basic
hydra.run.dir=x
a=1 
a=1	
a= 1
a=	1
a=  1
a=\t
a=# comment
a=1;2
a=a&b
a=a|b
a=a!b
a=a^b
a=a`b
a=a<b
a=a>b
a=~
a=~a
a=a~
a=a@b
a=a#b
a=é
a=∞
a=a	b
a=a\	b
a=%Y-%m-%d
a=100%
a=?
a=*
a=|
a=+
a=-
a=.
a=/
a=@
a=$
a=%
""".strip("\n").split("\n")
# control characters and deep nesting (not expressible in the raw block above)
SEEDS += ["x='a\rb'", "x=a\rb", "x='a\nb'", "x=${a\nb}", "x='a\x0bb'", "x='\x7f'", "x=a\x0cb",
          "x=" + "[" * 300 + "1" + "]" * 300, "x=" + "[" * 1200 + "]" * 1200,
          "x=" + "{a:" * 200 + "1" + "}" * 200, "x=" + "str(" * 200 + "1" + ")" * 200,
          "x=" + ",".join(str(i) for i in range(3000)), "x='" + "a" * 100000 + "'"]


# --------------------------------------------------------------------------------------
# Minimization.

def signature(cat, det):
    return cat


def keeps_key(orig, cand):
    """Do not let the minimizer drop the key of `x=...` (an empty key is legal but unreadable)."""
    return cand[:1] not in ("=", "") or orig[:1] in ("=", "")


def minimize(s, test, budget=400):
    """Greedy delta debugging: delete chunks while `test` (same mismatch category) holds."""
    calls = 0
    cur = s
    n = max(1, len(cur) // 2)
    while n >= 1 and calls < budget:
        changed = False
        i = 0
        while i < len(cur) and calls < budget:
            cand = cur[:i] + cur[i + n:]
            calls += 1
            if cand != cur and keeps_key(s, cand) and test(cand):
                cur = cand
                changed = True
            else:
                i += 1 if n == 1 else n
        if not changed:
            n //= 2
    # simplification pass: replace identifiers/digits with simpler ones
    for a, b in [("b", "a"), ("c", "a"), ("z", "a"), ("y", "a"), ("2", "1"), ("3", "1"), ("A", "a")]:
        if calls >= budget:
            break
        i = 0
        while i < len(cur) and calls < budget:
            if cur[i] == a:
                cand = cur[:i] + b + cur[i + 1:]
                calls += 1
                if test(cand):
                    cur = cand
            i += 1
    return cur


# --------------------------------------------------------------------------------------

def check_corpus(hy, corpus):
    bad = total = 0
    for d in sorted(os.listdir(corpus)):
        exp = os.path.join(corpus, d, "expected.yaml")
        if not os.path.exists(exp):
            continue
        for item in yaml.safe_load(open(exp, encoding="utf-8")):
            total += 1
            h = hy(item["input"])
            if "error" in item or "error" in h or "hydra_special" in h:
                ok = ("error" in item) == ("error" in h)
            else:
                unordered = h.get("_meta", {}).get("shuffle")
                ok = all(f in h and (unordered or same(h[f], item[f])) for f in OVERRIDE_FIELDS if f in item) and \
                    all(f in item for f in OVERRIDE_FIELDS if f in h)
            if not ok:
                bad += 1
                print("REFERENCE != CORPUS", json.dumps(item["input"]), "\n  corpus:", item, "\n  ours  :", h)
    print(f"reference renderer vs corpus: {total - bad}/{total} agree")
    return bad == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--cli", default=os.environ.get("CONFIG_CLI", "target/release/config"))
    ap.add_argument("--hydra-python", default=os.environ.get("HYDRA_PYTHON", "python3"))
    ap.add_argument("--out", default="/tmp/og-diff")
    ap.add_argument("--inputs")
    ap.add_argument("--corpus")
    ap.add_argument("--no-minimize", action="store_true")
    ap.add_argument("--max-minimize", type=int, default=400)
    ap.add_argument("--per-category", type=int, default=30, help="minimize at most this many per category")
    ap.add_argument("--time-limit", type=float, default=1500, help="seconds; stop generating after this")
    a = ap.parse_args()

    hy = Hydra(a.hydra_python)
    ours = Ours(a.cli)
    if a.corpus:
        check_corpus(hy, a.corpus)

    if a.inputs:
        inputs = [ln.rstrip("\n") for ln in open(a.inputs, encoding="utf-8") if ln.rstrip("\n")]
    else:
        g = Gen(a.seed)
        inputs = list(SEEDS)
        seen = set(inputs)
        while len(inputs) < len(SEEDS) + a.count:
            u = g.r.random()
            s = (g.override() if u < 0.3 else g.simple_key_override() if u < 0.6 else
                 g.numeric_override() if u < 0.8 else g.soup_override())
            if s not in seen:
                seen.add(s)
                inputs.append(s)

    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    mism = []
    stats = {"agree_ok": 0, "agree_err": 0, "mismatch": 0}
    ran = 0
    for s in inputs:
        if time.time() - t0 > a.time_limit:
            print("time limit reached")
            break
        ran += 1
        h = hy(s)
        o = ours(s)
        c = compare(h, o, s)
        if c is None:
            stats["agree_err" if ("error" in h or o[0] != 0) else "agree_ok"] += 1
            continue
        stats["mismatch"] += 1
        mism.append((s, c))
    print(f"ran {ran} inputs in {time.time() - t0:.0f}s: {stats}")

    # minimize and group
    groups = {}
    minimized = 0
    per_cat = {}
    with open(os.path.join(a.out, "mismatches.jsonl"), "w", encoding="utf-8") as f:
        for s, (cat, det) in mism:
            m = s
            per_cat[cat] = per_cat.get(cat, 0) + 1
            if not a.no_minimize and minimized < a.max_minimize and per_cat[cat] <= a.per_category:
                minimized += 1

                def test(cand, cat=cat):
                    c2 = compare(hy(cand), ours(cand), cand)
                    return c2 is not None and c2[0] == cat
                m = minimize(s, test)
            c2 = compare(hy(m), ours(m), m)
            rec = {"input": s, "minimized": m, "category": cat,
                   "min_detail": c2[1] if c2 else None}
            f.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            groups.setdefault((cat, m), []).append(s)
    cases = sorted({m for (_, m) in groups}, key=lambda x: (len(x), x))
    with open(os.path.join(a.out, "cases.txt"), "w", encoding="utf-8") as f:
        for m in cases:
            f.write(m + "\n")
    by_cat = {}
    for (cat, m), srcs in groups.items():
        by_cat.setdefault(cat, []).append((m, len(srcs)))
    for cat in sorted(by_cat):
        print(f"== {cat}: {sum(n for _, n in by_cat[cat])} inputs, {len(by_cat[cat])} minimized")
        for m, n in sorted(by_cat[cat], key=lambda x: (len(x[0]), x[0])):
            c2 = compare(hy(m), ours(m), m)
            print(f"  {json.dumps(m, ensure_ascii=False)}  (x{n})")
            if c2:
                print("     ", json.dumps(c2[1], ensure_ascii=False, default=str)[:600])
    print(f"total mismatching inputs: {len(mism)}; distinct minimized: {len(cases)}")


if __name__ == "__main__":
    main()
