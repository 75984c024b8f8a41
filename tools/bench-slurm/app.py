"""The reference task for slurm_bench.sh: a Hydra 1.3 app whose task only
records when it started (time.time()) in its output dir, as `task_start`."""
import os
import time

import hydra
from hydra.core.hydra_config import HydraConfig


@hydra.main(version_base="1.3", config_path=None, config_name=None)
def main(cfg) -> None:
    t = time.time()
    out = HydraConfig.get().runtime.output_dir
    with open(os.path.join(out, "task_start"), "w") as f:
        f.write(f"{t:.6f}\n")


if __name__ == "__main__":
    main()
