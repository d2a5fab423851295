#!/usr/bin/env python3
"""Kernelwise's TorchScript archive of a spec against the same net in eager PyTorch, in one process.

Separates what the engine does from what Kernelwise's scripted module does: forward, backward and
Adam step times of (1) the eager net NCHW, (2) eager channels-last (weights too), (3) the archive
Kernelwise writes, under TorchScript's profiling executor, (4) the archive with the graph optimizer
off (as DjlTrainingEngine trains it). Batch 128 of random data, Adam 1e-3, 2 threads.

    java -cp target/test-classes:target/classes:$(cat cp.txt) io.kernelwise.network.ArchiveDump \
        seed-5x5 /tmp/seed-5x5.pt false true
    $(bash ../shared/bench/peer-env.sh | tail -n 1) bench/profile/archive_vs_eager.py \
        ../shared/bench/specs/seed-5x5.json /tmp/seed-5x5.pt 40
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "bench"))
import kw_torch  # noqa: E402


def run(label, model, input_channels_last, steps):
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(128, 3, 32, 32, generator=g)
    if input_channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (128,), generator=g)
    t = [0.0] * 3
    model.train()
    for s in range(steps + 10):
        opt.zero_grad(set_to_none=True)
        a = time.perf_counter()
        loss = loss_fn(model(x), y)
        b = time.perf_counter()
        loss.backward()
        c = time.perf_counter()
        opt.step()
        d = time.perf_counter()
        if s >= 10:
            t[0] += b - a
            t[1] += c - b
            t[2] += d - c
    print(f"{label:34s} forward {t[0] / steps * 1e3:6.2f}  backward {t[1] / steps * 1e3:6.2f}  "
          f"adam {t[2] / steps * 1e3:5.2f} ms/step -> {128 * steps / sum(t):7.1f} img/s", flush=True)


def main():
    spec_path, archive = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    torch.set_num_threads(2)
    spec = json.load(open(spec_path))
    print(f"PyTorch {torch.__version__}, {spec['name']}, {steps} steps of 128")
    run("eager NCHW", kw_torch.build(spec)[0], False, steps)
    run("eager channels-last", kw_torch.build(spec)[0].to(memory_format=torch.channels_last), True, steps)
    run("archive, profiling executor", torch.jit.load(archive), False, steps)
    torch._C._set_graph_executor_optimize(False)
    run("archive, graph optimizer off", torch.jit.load(archive), False, steps)


if __name__ == "__main__":
    main()
