"""Regenerates the Hydra 1.3.8 reference outputs of an example scenario.

For each line of <scenario>/cases.txt (a command line, split as a shell
would; an empty line is no arguments), runs the scenario's config dir
(conf/<scenario>/config.yaml) as an `@hydra.main` app named after the
scenario, in a scratch directory, and writes <scenario>/<line number>/:
  run_dirs.txt      the job dirs, relative to the working directory
  job<k>.yaml       each job's .hydra/config.yaml (unresolved)
  overrides<k>.yaml each job's .hydra/overrides.yaml
  resolved<k>.yaml  OmegaConf.to_yaml(cfg, resolve=True), with the
                    `${now:%H-%M-%S}` time replaced by HH-MM-SS
Never a dependency of the product:

    python3 -m venv /tmp/hvenv && /tmp/hvenv/bin/pip install hydra-core==1.3.8
    /tmp/hvenv/bin/python config-examples/reference/make_reference.py state tutorial
"""
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent

APP = '''
import hydra, os, pathlib, re
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf

@hydra.main(version_base=None, config_path=%r, config_name="config")
def main(cfg):
    out = HydraConfig.get().runtime.output_dir
    num = HydraConfig.get().job.get("num", 0) or 0
    text = OmegaConf.to_yaml(cfg, resolve=True)
    text = re.sub(r"\\b\\d\\d-\\d\\d-\\d\\d\\b", "HH-MM-SS", text)
    pathlib.Path(out, "resolved.yaml").write_text(text)
    with open(os.path.join(%r, "run_dirs.txt"), "a") as f:
        f.write(os.path.relpath(out, %r) + "\\n")

main()
'''


def run_case(scenario, args, dest):
    conf = HERE.parent / "conf" / scenario
    with tempfile.TemporaryDirectory() as tmp:
        script = pathlib.Path(tmp) / f"{scenario}.py"
        script.write_text(APP % (str(conf), tmp, tmp))
        subprocess.run([sys.executable, str(script), *args], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        run_dirs = (pathlib.Path(tmp) / "run_dirs.txt").read_text().split()
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for k, d in enumerate(run_dirs):
            job = pathlib.Path(tmp) / d
            shutil.copy(job / ".hydra" / "config.yaml", dest / f"job{k}.yaml")
            shutil.copy(job / ".hydra" / "overrides.yaml", dest / f"overrides{k}.yaml")
            shutil.copy(job / "resolved.yaml", dest / f"resolved{k}.yaml")
        # Timestamped dirs (outputs/<date>/<time>) vary: keep their shape.
        shapes = [re.sub(r"\d{4}-\d\d-\d\d/\d\d-\d\d-\d\d", "DATE/TIME", d) for d in run_dirs]
        (dest / "run_dirs.txt").write_text("".join(s + "\n" for s in shapes))


def main():
    for scenario in sys.argv[1:]:
        lines = (HERE / scenario / "cases.txt").read_text().split("\n")
        for n, line in enumerate(lines[:-1] if lines[-1] == "" else lines, start=1):
            run_case(scenario, shlex.split(line), HERE / scenario / str(n))
            print(scenario, n, line)


if __name__ == "__main__":
    main()
