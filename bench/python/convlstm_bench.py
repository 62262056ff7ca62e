#!/usr/bin/env python3
"""PyTorch peer of the convlstm4j benchmark (`convlstm4j bench`).

The model is built the way popular PyTorch ConvLSTM code builds it (for example
ndrplz/ConvLSTM_pytorch): per layer one Conv2d over concat[x_t, h_{t-1}] into 4F channels per
time step, split into the i, f, g, o gates; BatchNorm3d over the layer's (N, F, T, H, W) output;
a Conv3d head with a sigmoid. Keras semantics where they cost nothing: tanh cell activation,
hard-sigmoid (0.2 x + 0.5, clipped) or sigmoid gates, SAME or CAUSAL time padding of the head.

It times, with the same statistics as the Java side (warm-up runs, then median / min / max of
--reps runs):
  forward:  a batched inference pass (eval mode, torch.no_grad) of --batch sequences;
  training: one step on --batch samples: forward in train mode, binary cross-entropy, backward,
            SGD update (lr 0.01).
and reports the peak resident memory of this process (VmHWM from /proc/self/status).

Prints one JSON object on stdout. Run with Debian's python3-torch: /usr/bin/python3.
"""

import argparse
import json
import math
import platform
import statistics
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--filters", type=int, default=40)
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--height", type=int, default=40)
    p.add_argument("--width", type=int, default=40)
    p.add_argument("--frames", type=int, default=15)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--batch-norm", choices=["on", "off"], default="on")
    p.add_argument("--gates", choices=["hard_sigmoid", "sigmoid"], default="hard_sigmoid")
    p.add_argument("--head-filters", type=int, default=1)
    p.add_argument("--head-kernel", type=int, default=3)
    p.add_argument("--head-time-padding", choices=["same", "causal"], default="same")
    p.add_argument("--threads", type=int, default=0, help="0: torch's default")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.reps < 1 or args.warmup < 0:
        p.error("--reps must be >= 1 and --warmup >= 0, got %d and %d" % (args.reps, args.warmup))
    return args


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def build(torch, args):
    nn = torch.nn
    F = torch.nn.functional

    def gate(x):
        if args.gates == "hard_sigmoid":
            return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
        return torch.sigmoid(x)

    class ConvLSTMCell(nn.Module):
        def __init__(self, cin, filters, k):
            super().__init__()
            self.filters = filters
            self.conv = nn.Conv2d(cin + filters, 4 * filters, k, padding=k // 2, bias=True)

        def forward(self, x, state):
            h, c = state
            z = self.conv(torch.cat([x, h], dim=1))
            zi, zf, zg, zo = torch.split(z, self.filters, dim=1)
            c = gate(zf) * c + gate(zi) * torch.tanh(zg)
            h = gate(zo) * torch.tanh(c)
            return h, c

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            cells, norms = [], []
            cin = args.channels
            for _ in range(args.layers):
                cells.append(ConvLSTMCell(cin, args.filters, args.kernel))
                norms.append(nn.BatchNorm3d(args.filters, momentum=0.01, eps=1e-3)
                             if args.batch_norm == "on" else nn.Identity())
                cin = args.filters
            self.cells = nn.ModuleList(cells)
            self.norms = nn.ModuleList(norms)
            k = args.head_kernel
            self.head = nn.Conv3d(cin, args.head_filters, k,
                                  padding=(0 if args.head_time_padding == "causal" else k // 2,
                                           k // 2, k // 2))

        def forward(self, x):  # x: (N, C, T, H, W)
            n, _, t, hgt, wid = x.shape
            for cell, norm in zip(self.cells, self.norms):
                h = x.new_zeros(n, cell.filters, hgt, wid)
                c = x.new_zeros(n, cell.filters, hgt, wid)
                outs = []
                for step in range(t):
                    h, c = cell(x[:, :, step], (h, c))
                    outs.append(h)
                x = norm(torch.stack(outs, dim=2))
            if args.head_time_padding == "causal":
                x = F.pad(x, (0, 0, 0, 0, args.head_kernel - 1, 0))
            return torch.sigmoid(self.head(x))

    return Model()


def stats(samples):
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "samples": samples}


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main(argv):
    args = parse_args(argv)
    import torch

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = build(torch, args)
    shape = (args.batch, args.channels, args.frames, args.height, args.width)
    x = torch.rand(shape)
    y = torch.rand((args.batch, args.head_filters, args.frames, args.height, args.width))

    def forward():
        model.eval()
        with torch.no_grad():
            model(x)

    forward_samples = timed(forward, args.warmup, args.reps)
    rss_forward = peak_rss_mib()

    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    losses = []

    def train_step():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.binary_cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))

    train_samples = timed(train_step, args.warmup, args.reps)
    finite = all(math.isfinite(v) for v in losses) and all(
        bool(torch.isfinite(p).all()) for p in model.parameters())
    result = {
        "peer": "python-pytorch",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "shape": list(shape),
        "forward": stats(forward_samples),
        "train": stats(train_samples),
        "peakRssForwardMiB": rss_forward,
        "peakRssMiB": peak_rss_mib(),
        "trainingFinite": finite,
        "losses": losses,
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
