"""Runs kw_torch.py (the reference PyTorch semantics) over every spec file in a folder.

    python3 kw_torch_driver.py <path of kw_torch.py> <folder of *.json specs>

Prints a meta line {"meta": {...}}, then one JSON line per spec, in file-name order:
{"file", "trainableParameters", "macs", "outputShape", "layers"}. Totals come from kw_torch's own
build / trainable_parameters / macs; "layers" has one entry per top-level layer of the spec (the
classifier included) with what PyTorch measures for that layer's modules: the output shape of a
forward pass, trainable parameters, BatchNorm running statistics (nonTrainable) and the
multiply-accumulates of its conv and linear modules.
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
import torch  # noqa: E402  (fails loudly when torch is missing)
from torch import nn  # noqa: E402
import kw_torch  # noqa: E402

torch.set_num_threads(1)


def layer_list(spec):
    """The top-level layers exactly as kw_torch.build lays them out (classifier appended)."""
    layers = list(spec["layers"])
    last = layers[-1] if layers else {}
    if not (last.get("type") == "dense" and last.get("units") == spec["classes"]):
        layers.append({"type": "dense", "units": spec["classes"]})
    return layers


def per_layer(spec):
    i = spec["input"]
    shape = (i["channels"], i["height"], i["width"])
    builder = kw_torch._Builder()
    x = torch.zeros(1, *shape)
    rows = []
    for layer in layer_list(spec):
        mods, shape = builder.layer(layer, shape)
        module = nn.Sequential(*mods).eval()
        macs = [0]

        def hook(m, _inp, out):
            if isinstance(m, nn.Conv2d):
                kh, kw = m.kernel_size
                macs[0] += kh * kw * (m.in_channels // m.groups) * out[0].numel()
            elif isinstance(m, nn.Linear):
                macs[0] += m.in_features * m.out_features

        handles = [m.register_forward_hook(hook) for m in module.modules()
                   if isinstance(m, (nn.Conv2d, nn.Linear))]
        with torch.no_grad():
            x = module(x)
        for h in handles:
            h.remove()
        running = sum(b.numel() for name, b in module.named_buffers()
                      if name.endswith("running_mean") or name.endswith("running_var"))
        rows.append({"outputShape": list(x.shape[1:]),
                     "trainable": sum(p.numel() for p in module.parameters() if p.requires_grad),
                     "nonTrainable": running,
                     "macs": macs[0]})
        if list(x.shape[1:]) != list(shape):
            raise AssertionError(f"{spec['name']}: kw_torch declares {shape}, runs {x.shape}")
    return rows


with open(sys.argv[1], "rb") as f:
    kw_torch_sha256 = hashlib.sha256(f.read()).hexdigest()
print(json.dumps({"meta": {"kwTorchSha256": kw_torch_sha256, "torch": torch.__version__}}))
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
                      "outputShape": list(shape),
                      "layers": per_layer(spec)}), flush=True)
