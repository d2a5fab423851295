#!/usr/bin/env python3
"""Step times of the PyTorch peer's loop in windows from the first step on (issue 13's "first ~100
batches" question), to set beside `StepProfile -Dwindow=20` (src/test/java/.../StepProfile.java).

    $(bash ../shared/bench/peer-env.sh | tail -n 1) bench/profile/step_windows.py \
        ../shared/bench/specs/seed-3x3.json 200 20 cl
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "bench"))
import kw_torch  # noqa: E402


def main():
    spec_path, steps, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cl = len(sys.argv) > 4 and sys.argv[4] == "cl"
    torch.set_num_threads(2)
    torch.manual_seed(0)
    spec = json.load(open(spec_path))
    fmt = torch.channels_last if cl else torch.contiguous_format
    model = kw_torch.build(spec)[0].to(memory_format=fmt)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(1280, 3, 32, 32)
    y = torch.randint(0, 10, (1280,))
    print(f"PyTorch {torch.__version__} {spec['name']} {'channels-last' if cl else 'eager'}")
    t0 = time.perf_counter()
    for s in range(steps):
        i = (s * 128) % 1152
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[i:i + 128].contiguous(memory_format=fmt)), y[i:i + 128])
        loss.backward()
        opt.step()
        loss.item()
        if (s + 1) % window == 0:
            t = time.perf_counter()
            print(f"steps {s + 2 - window:4d}-{s + 1:4d} {(t - t0) / window * 1e3:7.2f} ms/step", flush=True)
            t0 = t


if __name__ == "__main__":
    main()
