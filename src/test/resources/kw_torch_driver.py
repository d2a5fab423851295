"""Runs kw_torch.py (the reference PyTorch semantics) over every spec file in a folder.

    python3 kw_torch_driver.py <dir holding kw_torch.py> <folder of *.json specs>

Prints one JSON line per spec: {"file", "trainableParameters", "macs", "outputShape"}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.abspath(sys.argv[1]))
import torch  # noqa: E402  (fails loudly when torch is missing)
import kw_torch  # noqa: E402

torch.set_num_threads(1)
folder = sys.argv[2]
for name in sorted(os.listdir(folder)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(folder, name)) as f:
        spec = json.load(f)
    model, shape = kw_torch.build(spec)
    print(json.dumps({"file": name,
                      "trainableParameters": kw_torch.trainable_parameters(model),
                      "macs": kw_torch.macs(model, spec),
                      "outputShape": list(shape)}), flush=True)
