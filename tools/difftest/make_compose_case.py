"""Writes the expected outputs of compose cases with the reference (hydra-core 1.3.8).

    python make_compose_case.py CASE_DIR...

Each CASE_DIR holds `conf/` and `case.yaml` (`config_name`, `overrides`, optional `env`),
the format of `tests/conformance/compose/` (see its README). This writes `expected.yaml`
(or `expected_error.txt`) and `expected_resolved.yaml` (or `resolve_error.txt`), exactly
as the shared corpus was made. Run it with a Python that has hydra-core 1.3.8, e.g. a
scratch venv: it is never a dependency of the project.
"""
import os
import sys
import warnings
from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

warnings.filterwarnings("ignore")


def run(case: Path) -> None:
    spec = yaml.safe_load((case / "case.yaml").read_text()) or {}
    name = spec.get("config_name", "config")
    overrides = [str(o) for o in spec.get("overrides") or []]
    for k, v in (spec.get("env") or {}).items():
        os.environ[str(k)] = str(v)
    for f in ["expected.yaml", "expected_error.txt", "expected_resolved.yaml", "resolve_error.txt"]:
        (case / f).unlink(missing_ok=True)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str((case / "conf").resolve()), version_base="1.3"):
            cfg = compose(config_name=name, overrides=overrides)
    except BaseException as e:  # the reference's error, type first
        (case / "expected_error.txt").write_text(f"{type(e).__name__}\n{e}\n")
        return
    (case / "expected.yaml").write_text(OmegaConf.to_yaml(cfg))
    try:
        (case / "expected_resolved.yaml").write_text(OmegaConf.to_yaml(cfg, resolve=True))
    except BaseException as e:
        (case / "resolve_error.txt").write_text(f"{type(e).__name__}\n{e}\n")


if __name__ == "__main__":
    for d in sys.argv[1:]:
        run(Path(d))
        print("wrote", d)
