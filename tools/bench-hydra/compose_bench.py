"""Hydra 1.3.8's side of the compose benchmarks of `config-core/benches/`
(`compose.rs`, `speed.rs`) and of `tools/bench-process/ab.py`.

    /tmp/hvenv/bin/python tools/bench-hydra/compose_bench.py TREE [TREE ...] [--repeat N]

For each tree of `../shared/bench/make_tree.py` (its `config.yaml` and
`overrides.txt`), measures on a warm interpreter the median wall time of
`compose("config", overrides)` inside `initialize_config_dir` (YAML parsing
included: Hydra caches nothing between composes of a fresh `initialize`),
and of the same compose followed by `OmegaConf.to_yaml` (what `config
compose` prints). The interpreter is a virtualenv with hydra-core 1.3.8; it
is never a dependency of the product. Prints one line per tree; nothing is
asserted.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf


def once(tree: Path, overrides: list[str], emit: bool) -> float:
    start = time.perf_counter()
    with initialize_config_dir(config_dir=str(tree.resolve()), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
        if emit:
            OmegaConf.to_yaml(cfg)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    sys.setrecursionlimit(100_000)  # deep experiment chains recurse in Hydra
    for tree in a.trees:
        overrides = [l for l in (tree / "overrides.txt").read_text().splitlines() if l.strip()]
        once(tree, overrides, True)  # warm up
        plain = sorted(once(tree, overrides, False) for _ in range(a.repeat))
        emitted = sorted(once(tree, overrides, True) for _ in range(a.repeat))
        print(
            f"{tree}: compose median {statistics.median(plain) * 1e3:.1f} ms "
            f"(min {plain[0] * 1e3:.1f}); compose + to_yaml median "
            f"{statistics.median(emitted) * 1e3:.1f} ms ({a.repeat} runs)"
        )


if __name__ == "__main__":
    main()
