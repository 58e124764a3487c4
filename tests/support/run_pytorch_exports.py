"""Runs CNN Studio's PyTorch exports in real PyTorch, for tests/support/real-pytorch.ts.

Usage: python3 run_pytorch_exports.py MANIFEST.json RESULTS.json

The manifest lists cases; each names an exported module (.py), its class, a state dict and an
input batch stored as little-endian float32 in one binary file (offsets and shapes in the
manifest). For each case this script

  1. runs the file as __main__: its own trainable-parameter and output-shape self-check;
  2. builds the model, loads the weights with strict=True (every parameter and buffer, right shapes);
  3. runs the batch in eval mode with `forward` instrumented to record the shape of every value it
     assigns (one per block), and returns the output;
  4. with "train_step", runs the same batch once more in training mode and returns the output and
     every BatchNorm's running statistics afterwards.

A failing case records its error and the others go on; the results are one JSON list, in order.
"""
import ast
import contextlib
import io
import json
import runpy
import sys
import traceback

import numpy as np
import torch

torch.set_num_threads(1)


def tensors(blob, entries):
    out = {}
    for name, entry in entries.items():
        offset, shape = entry["offset"], entry["shape"]
        count = int(np.prod(shape)) if shape else 1
        out[name] = torch.from_numpy(blob[offset:offset + count].reshape(shape).copy())
    return out


def instrumented_class(source, class_name, module_name):
    """The model class with `forward` recording (target, expression, shape) after every assignment."""
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    forward = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward")
    body = []
    for statement in forward.body:
        if isinstance(statement, ast.Return):
            body.append(ast.parse(f"__returned__ = {ast.unparse(statement.value)}").body[0])
            body.append(ast.parse(f"__record__('return', {ast.unparse(statement.value)!r}, __returned__)").body[0])
            body.append(ast.parse("return __returned__").body[0])
            continue
        body.append(statement)
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            target = statement.targets[0].id
            body.append(ast.parse(f"__record__({target!r}, {ast.unparse(statement.value)!r}, {target})").body[0])
    forward.body = body
    ast.fix_missing_locations(tree)
    records = []
    namespace = {
        "__name__": module_name,
        "__record__": lambda target, expression, value: records.append([target, expression, list(value.shape[1:])]),
    }
    exec(compile(tree, f"<{module_name}>", "exec"), namespace)
    return namespace[class_name], records


def run_case(case, blob):
    result = {"label": case["label"]}
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout):
            runpy.run_path(case["module"], run_name="__main__")
        result["selfCheck"] = "passed"
    except BaseException as error:  # an AssertionError is the self-check failing
        result["selfCheck"] = f"{type(error).__name__}: {error}"

    model_class, records = instrumented_class(open(case["module"], encoding="utf-8").read(), case["className"], f"case_{case['index']}")
    model = model_class()
    state = tensors(blob, case["stateDict"])
    # BatchNorm's batch counter is PyTorch's own; TensorFlow has nothing to copy into it.
    for name, value in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            state[name] = value
    model.load_state_dict(state, strict=True)
    result["trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    result["total"] = sum(p.numel() for p in model.parameters())

    batch = tensors(blob, {"input": case["input"]})["input"]
    model.eval()
    with torch.no_grad():
        output = model(batch)
    result["assignments"] = list(records)
    result["output"] = output.flatten().tolist()
    result["outputShape"] = list(output.shape)

    if case.get("trainStep"):
        model.train()
        with torch.no_grad():
            trained = model(batch)
        result["trainOutput"] = trained.flatten().tolist()
        result["runningStats"] = {
            name: {"mean": module.running_mean.tolist(), "var": module.running_var.tolist()}
            for name, module in model.named_modules()
            if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d))
        }
    return result


def main(manifest_path, results_path):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    results = []
    for index, case in enumerate(manifest["cases"]):
        case["index"] = index
        try:
            blob = np.fromfile(case["blob"], dtype="<f4")
            results.append(run_case(case, blob))
        except BaseException:
            results.append({"label": case["label"], "error": traceback.format_exc(limit=4)})
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
