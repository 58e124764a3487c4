"""Asks an exported train.py what it computes, for tests/export/training-script.test.ts.

Usage: python3 training_probe.py TRAIN_PY QUESTIONS.json ANSWERS.json

Imports the script as a module (its main() runs only as __main__) and answers, in one process:
the learning rates and momenta its schedules give (warm-up included), the images its
augmentation makes for given draws and the rectangles its erasing picks, the fans and weights of
its initialisations, the optimizer it builds and the weights it makes of given gradients, its
loss, the images its validation split holds out, and what it reads from IDX folders (images,
labels, normalisation).
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def load(path):
    spec = importlib.util.spec_from_file_location("exported_train", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(script, questions_path, answers_path):
    train = load(script)
    with open(questions_path, encoding="utf-8") as f:
        questions = json.load(f)
    answers = {}

    answers["schedules"] = []
    for case in questions["schedules"]:
        schedule = train.Schedule(case["schedule"], case["learningRate"], case["epochs"], case["batchesPerEpoch"], case.get("warmup"))
        rates, momenta = [], []
        for epoch in range(case["epochs"]):
            rates.append([schedule.rate(epoch, b) for b in range(case["batchesPerEpoch"])])
            momenta.append([schedule.momentum(epoch, b) for b in range(case["batchesPerEpoch"])])
            schedule.epoch_ended(case["testLosses"][epoch])
        answers["schedules"].append({"rates": rates, "momenta": momenta})

    case = questions["augment"]
    images = torch.tensor(case["pixels"], dtype=torch.float32).reshape(case["shape"]) / 255
    column = lambda key: torch.tensor(case[key], dtype=torch.float64)
    moved = train.transform(images, column("angle"), column("dx"), column("dy"), column("scale"), column("shear"))
    answers["augment"] = moved.flatten().tolist()

    case = questions["erasing"]
    column = lambda key: torch.tensor(case[key], dtype=torch.float64)
    boxes = train.erasures(case["height"], case["width"], case["settings"], column("coin"), column("area"), column("ratio"), column("top"), column("left"))
    answers["erasing"] = boxes.tolist()
    blank = torch.ones(len(case["coin"]), 1, case["height"], case["width"])
    answers["erasedPixels"] = (train.erased(blank, boxes) == 0).sum(dim=(1, 2, 3)).tolist()

    answers["optimizerSteps"] = []
    for case in questions["optimizerSteps"]:
        parameters = torch.nn.ParameterList([torch.nn.Parameter(torch.tensor(w["values"], dtype=torch.float32).reshape(w["shape"])) for w in case["weights"]])
        optimizer = train.make_optimizer(parameters, case["settings"], case["steps"][0]["lr"], case["steps"][0].get("momentum"))
        weights = []
        for step in case["steps"]:
            train.set_rates(optimizer, step["lr"], step.get("momentum"))
            for parameter, grad in zip(parameters, step["grads"]):
                parameter.grad = torch.tensor(grad, dtype=torch.float32).reshape(parameter.shape)
            optimizer.step()
            weights.append([p.detach().flatten().tolist() for p in parameters])
        answers["optimizerSteps"].append(weights)

    answers["losses"] = []
    for case in questions["losses"]:
        train.SOFTMAX = case["softmax"]
        logits = torch.tensor(case["logits"], dtype=torch.float32).reshape(case["shape"])
        output = torch.log_softmax(logits, dim=1) if case["softmax"] else logits
        answers["losses"].append(float(train.make_loss({"labelSmoothing": case["labelSmoothing"]})(output, torch.tensor(case["labels"]))))
    train.SOFTMAX = False

    answers["validation"] = []
    for case in questions["validation"]:
        count = case["count"]
        # Each image's two bytes and label say which it was.
        images = torch.tensor([[i % 256, i // 256] for i in range(count)], dtype=torch.uint8)
        labels = torch.arange(count)
        split, settings = train.split_training({"train": (images, labels)}, {"validation": case["setting"], "batchSize": 1})
        answers["validation"].append({
            "held": settings["validation"],
            "validation": split["validation"][1].tolist() if split["validation"] else [],
            "train": split["train"][1].tolist(),
            "trainPixels": split["train"][0][:, 0].tolist(),
            "clean": split["clean"][1].tolist(),
        })

    model = train.Model()
    answers["fans"] = {name: list(train.glorot_fans(module)) for name, module in model.named_modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))}
    generator = torch.Generator().manual_seed(1)
    train.initialise(model, generator)
    answers["largestWeight"] = {name: float(module.weight.abs().max()) for name, module in model.named_modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))}
    answers["kaiming"] = {}
    for init in ("kaimingNormal", "kaimingUniform"):
        train.initialise(model, generator, init)
        answers["kaiming"][init] = {
            name: {"fanIn": train.kaiming_fan_in(module), "largest": float(module.weight.abs().max()), "std": float(module.weight.std()), "count": module.weight.numel()}
            for name, module in model.named_modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))
        }

    answers["optimizers"] = []
    for settings in questions["optimizers"]:
        optimizer = train.make_optimizer(model, settings, 0.01)
        group = optimizer.param_groups[0]
        answers["optimizers"].append({
            "class": type(optimizer).__name__,
            "momentum": group.get("momentum"),
            "nesterov": group.get("nesterov"),
            "eps": group.get("eps"),
            "parameters": sum(p.numel() for g in optimizer.param_groups for p in g["params"]),
        })

    answers["datasets"] = []
    for folder in questions["datasets"]:
        train.DATASET["normalization"] = None
        data, mean, std = train.load_dataset(folder, None)
        images, labels = data["train"]
        answers["datasets"].append({
            "shape": list(images.shape),
            "pixels": images.flatten().tolist(),
            "labels": labels.tolist(),
            "testLabels": data["test"][1].tolist(),
            "mean": mean,
            "std": std,
        })

    with open(answers_path, "w", encoding="utf-8") as f:
        json.dump(answers, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
