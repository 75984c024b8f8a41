import sys, json, warnings
warnings.filterwarnings("ignore")
from hydra import initialize_config_dir, compose
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf
# stdin: json lines {dir, name, overrides}; stdout: json lines {ok, yaml|err}
for line in sys.stdin:
    c = json.loads(line)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=c["dir"], version_base="1.3"):
            cfg = compose(config_name=c["name"], overrides=c["overrides"])
            out = {"ok": True, "yaml": OmegaConf.to_yaml(cfg)}
    except BaseException as e:
        out = {"ok": False, "err": type(e).__name__ + ": " + str(e)[:300]}
    print(json.dumps(out), flush=True)
