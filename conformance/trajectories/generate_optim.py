"""Regenerate optim.json from PyTorch: `/tmp/torchenv/bin/python conformance/trajectories/
generate_optim.py` (needs torch; the tests only read the stored JSON)."""

import json
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_cases as cases  # noqa: E402


def main():
    warnings.simplefilter("ignore")
    data = {"torch_version": torch.__version__, "steps": cases.STEPS,
            "optimizers": [], "schedulers": []}
    for name, kwargs in cases.OPTIMIZERS:
        traj = cases.run_optimizer(torch, torch.optim, name, kwargs)
        data["optimizers"].append({"name": name, "kwargs": kwargs, "trajectory": traj})
    for name, kwargs in cases.SCHEDULERS:
        lrs = cases.run_scheduler(torch, torch.optim, name, kwargs)
        data["schedulers"].append({"name": name, "kwargs": kwargs, "lrs": lrs})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim.json")
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(data['optimizers'])} optimizers, "
          f"{len(data['schedulers'])} schedulers")


if __name__ == "__main__":
    main()
