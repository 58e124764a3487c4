"""Makes ONNX files with PyTorch's own exporter, for tests/onnx/import.test.ts.

Usage: python3 torch_to_onnx.py MANIFEST.json RESULTS.json

The manifest lists PyTorch modules: CNN Studio's PyTorch exports (a file and its class) or the
hand-written ones below ("builtin": name). For each, in one process, this script builds the
module with seeded random weights (BatchNorm running statistics too), exports it with
torch.onnx.export in the training mode asked for (PRESERVE by default: an eval-mode export folds
BatchNorm into the convolution before it), and records what the importer must reproduce: the
trainable parameter count as PyTorch counts it (sum of p.numel()) and the module's output, in
eval mode, for a seeded random batch (both saved beside the file as little-endian float32).
"""
import importlib.util
import json
import sys
import traceback

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


class ResidualBlock(nn.Module):
    """A ResNet basic block, written the way PyTorch users write it (functional ReLU, x.view)."""

    def __init__(self, channels=8):
        super().__init__()
        self.stem = nn.Conv2d(1, channels, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * 14 * 14, 10)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        x = F.relu(x + y)
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


class InceptionBlock(nn.Module):
    """Four branches joined with torch.cat, SiLU and GELU activations, a depthwise convolution."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 12, 3, stride=2, padding=1)
        self.b1 = nn.Conv2d(12, 8, 1)
        self.b3_reduce = nn.Conv2d(12, 6, 1)
        self.b3 = nn.Conv2d(6, 8, 3, padding=1)
        self.b5 = nn.Conv2d(12, 4, 5, padding=2)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.pool_proj = nn.Conv2d(12, 4, 1)
        self.act = nn.SiLU()
        self.depthwise = nn.Conv2d(24, 48, 3, groups=24, padding=1)
        self.gelu = nn.GELU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(48, 5)

    def forward(self, x):
        x = self.act(self.stem(x))
        branches = [self.b1(x), self.b3(F.relu(self.b3_reduce(x))), self.b5(x), self.pool_proj(self.pool(x))]
        x = torch.cat(branches, dim=1)
        x = self.gelu(self.depthwise(x))
        x = torch.flatten(self.gap(x), 1)
        return F.softmax(self.head(self.dropout(x)), dim=1)


BUILTIN = {"residual": (ResidualBlock, (1, 28, 28)), "inception": (InceptionBlock, (3, 32, 32))}


def load_module(case):
    if "builtin" in case:
        cls, shape = BUILTIN[case["builtin"]]
        return cls(), shape
    spec = importlib.util.spec_from_file_location(f"exported_{case['index']}", case["module"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, case["className"])(), tuple(module.INPUT_SHAPE)


def randomize(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif name.endswith("running_mean") or name.endswith("bias"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) - 0.5)
            elif tensor.dim() == 1:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)


def run_case(case):
    torch.manual_seed(case["seed"])
    model, shape = load_module(case)
    randomize(model, case["seed"])
    model.eval()
    batch = torch.rand((3,) + tuple(shape), generator=torch.Generator().manual_seed(case["seed"]))
    mode = getattr(torch.onnx.TrainingMode, case.get("mode", "PRESERVE"))
    torch.onnx.export(
        model, batch[:1], case["onnx"], training=mode, opset_version=case.get("opset", 13),
        input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
    )
    # A training-mode export runs the model in training mode, which moves BatchNorm's running
    # statistics before they are written: the output is computed after the export, from what the file holds.
    model.eval()
    with torch.no_grad():
        output = model(batch)
    batch.numpy().astype("<f4").tofile(case["onnx"] + ".input.bin")
    output.numpy().astype("<f4").tofile(case["onnx"] + ".output.bin")
    return {
        "label": case["label"],
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "inputShape": list(batch.shape),
        "outputShape": list(output.shape),
    }


def main(manifest_path, results_path):
    with open(manifest_path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    results = []
    for index, case in enumerate(cases):
        case["index"] = index
        try:
            results.append(run_case(case))
        except BaseException:
            results.append({"label": case["label"], "error": traceback.format_exc(limit=4)})
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
