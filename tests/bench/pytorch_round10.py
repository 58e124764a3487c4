"""PyTorch's side of the training benchmark (tests/bench/train-bench.ts): journey round 10 as the
seed notebook builds it (conv, ReLU, BatchNorm, Dropout blocks, global average pooling, log-softmax
and the negative log-likelihood), trained with SGD and momentum 0.9 at lr 0.01 on batches of 64
28x28 images, on `--threads` threads (torch.set_num_threads). The batch is made once, as ours is
made before the timed steps: both sides time the step alone (zero_grad, forward, loss, backward,
optimizer step, and reading the loss). Prints one JSON line.

  /usr/bin/python3 tests/bench/pytorch_round10.py --threads 2 --warmup 30 --steps 40
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--warmup", type=int, default=30)
parser.add_argument("--steps", type=int, default=40)
parser.add_argument("--batch", type=int, default=64)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(1)


def block(cin, cout, k):
    return [nn.Conv2d(cin, cout, k, bias=False), nn.ReLU(), nn.BatchNorm2d(cout), nn.Dropout(0.1)]


model = nn.Sequential(
    *block(1, 8, 3),
    *block(8, 16, 3),
    nn.MaxPool2d(2, 2),
    *block(16, 16, 3),
    *block(16, 32, 3),
    nn.Conv2d(32, 8, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.Dropout(0.1),
    *block(8, 16, 3),
    nn.AdaptiveAvgPool2d(1),
    nn.Conv2d(16, 10, 1, bias=False),
    nn.Flatten(),
    nn.LogSoftmax(dim=-1),
)
assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 9896
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(args.batch, 1, 28, 28)
y = torch.randint(0, 10, (args.batch,))
model.train()

times = []
for step in range(args.warmup + args.steps):
    start = time.perf_counter()
    optimizer.zero_grad()
    loss = F.nll_loss(model(x), y)
    loss.backward()
    optimizer.step()
    loss.item()
    if step >= args.warmup:
        times.append((time.perf_counter() - start) * 1000)

step_ms = statistics.median(times)
print(json.dumps({"threads": args.threads, "torch": torch.__version__, "stepMs": step_ms, "imagesPerSecond": args.batch / step_ms * 1000}))
