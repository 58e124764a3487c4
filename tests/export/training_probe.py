"""Asks an exported train.py what it computes, for tests/export/training-script.test.ts.

Usage: python3 training_probe.py TRAIN_PY QUESTIONS.json ANSWERS.json

Imports the script as a module (its main() runs only as __main__) and answers, in one process:
the learning rates its schedules give, the images its augmentation makes for given angles and
shifts, the fans its initialisation uses, the optimizer it builds, and what it reads from IDX
folders (images, labels, normalisation).
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
        schedule = train.Schedule(case["schedule"], case["learningRate"], case["epochs"], case["batchesPerEpoch"])
        rates = []
        for epoch in range(case["epochs"]):
            rates.append([schedule.rate(epoch, b) for b in range(case["batchesPerEpoch"])])
            schedule.epoch_ended(case["testLosses"][epoch])
        answers["schedules"].append(rates)

    case = questions["augment"]
    images = torch.tensor(case["pixels"], dtype=torch.float32).reshape(case["shape"]) / 255
    moved = train.transform(images, torch.tensor(case["angles"], dtype=torch.float64), torch.tensor(case["dx"], dtype=torch.float64), torch.tensor(case["dy"], dtype=torch.float64))
    answers["augment"] = moved.flatten().tolist()

    model = train.Model()
    answers["fans"] = {name: list(train.glorot_fans(module)) for name, module in model.named_modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))}
    generator = torch.Generator().manual_seed(1)
    train.initialise(model, generator)
    answers["largestWeight"] = {name: float(module.weight.abs().max()) for name, module in model.named_modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))}

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
