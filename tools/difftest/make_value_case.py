"""Writes the expected outputs of resolve and merge cases with the reference
(omegaconf 2.3.1), in the format of `tests/conformance/{resolve,merge}/`.

    python make_value_case.py resolve|merge CASE_DIR...

A resolve case holds `input.yaml` (and optionally `case.yaml` with `env`); this
writes `expected.yaml`, `OmegaConf.to_yaml(OmegaConf.load(input), resolve=True)`,
or `expected_error.txt` (the exception's type, then its message). A merge case
holds `1.yaml`, `2.yaml`, ...; this writes `expected.yaml`, the unresolved
`OmegaConf.to_yaml(OmegaConf.merge(...))`, or `expected_error.txt`. Run it with a
Python that has omegaconf 2.3.1 (e.g. the scratch venv of hydra-core 1.3.8): it
is never a dependency of the project. `make_compose_case.py` does the compose kind.
"""
import os
import sys
import warnings
from pathlib import Path

import yaml
from omegaconf import OmegaConf

warnings.filterwarnings("ignore")


def result(kind: str, case: Path) -> str:
    if kind == "resolve":
        spec = case / "case.yaml"
        env = (yaml.safe_load(spec.read_text()) or {}).get("env") if spec.exists() else None
        for k, v in (env or {}).items():
            os.environ[str(k)] = str(v)
        return OmegaConf.to_yaml(OmegaConf.load(case / "input.yaml"), resolve=True)
    docs = sorted(case.glob("[0-9]*.yaml"), key=lambda p: int(p.stem))
    return OmegaConf.to_yaml(OmegaConf.merge(*(OmegaConf.load(p) for p in docs)))


def run(kind: str, case: Path) -> None:
    for f in ["expected.yaml", "expected_error.txt"]:
        (case / f).unlink(missing_ok=True)
    try:
        (case / "expected.yaml").write_text(result(kind, case))
    except BaseException as e:  # the reference's error, type first
        (case / "expected_error.txt").write_text(f"{type(e).__name__}\n{e}\n")


if __name__ == "__main__":
    kind = sys.argv[1]
    assert kind in ("resolve", "merge"), kind
    for d in sys.argv[2:]:
        run(kind, Path(d))
        print("wrote", d)
