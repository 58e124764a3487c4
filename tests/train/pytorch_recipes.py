"""PyTorch's own numbers for the training recipes the studio reimplements, for
tests/train/recipes-pytorch.test.ts: optimizer updates (SGD with momentum, Nesterov and weight
decay; Adam with L2; AdamW's decoupled decay; momentum or beta1 changed between steps, as one-cycle
does), the label-smoothed cross-entropy, and the learning rate (and momentum) of every step of the
schedules, warm-up chained before them with SequentialLR, each scheduler stepped once per batch.

    python3 pytorch_recipes.py MANIFEST.json RESULTS.json

One process for every case: importing torch takes seconds.
"""
import json
import sys

import torch


def optimizer_case(case):
    params = [torch.nn.Parameter(torch.tensor(w["values"], dtype=torch.float32).reshape(w["shape"])) for w in case["weights"]]
    kind = case["optimizer"]
    first = case["steps"][0]
    if kind == "sgd":
        opt = torch.optim.SGD(params, lr=first["lr"], momentum=case["momentum"], nesterov=case["nesterov"], weight_decay=case["weightDecay"], foreach=False)
    elif kind == "adam":
        opt = torch.optim.Adam(params, lr=first["lr"], betas=(case["beta1"], case["beta2"]), eps=case["epsilon"], weight_decay=case["weightDecay"], foreach=False)
    else:
        opt = torch.optim.AdamW(params, lr=first["lr"], betas=(case["beta1"], case["beta2"]), eps=case["epsilon"], weight_decay=case["weightDecay"], foreach=False)
    after = []
    for step in case["steps"]:
        group = opt.param_groups[0]
        group["lr"] = step["lr"]
        if step.get("momentum") is not None:
            if kind == "sgd":
                group["momentum"] = step["momentum"]
            else:
                group["betas"] = (step["momentum"], case["beta2"])
        for p, grad in zip(params, step["grads"]):
            p.grad = torch.tensor(grad, dtype=torch.float32).reshape(p.shape)
        opt.step()
        after.append([p.detach().reshape(-1).tolist() for p in params])
    return {"weights": after}


def loss_case(case):
    logits = torch.tensor(case["logits"], dtype=torch.float32).reshape(case["shape"])
    labels = torch.tensor(case["labels"], dtype=torch.long)
    loss = torch.nn.CrossEntropyLoss(label_smoothing=case["labelSmoothing"])(logits, labels)
    return {"loss": loss.item()}


def main_scheduler(opt, schedule, lr, steps, batches):
    kind = schedule["type"]
    if kind == "constant":
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=schedule["stepSize"] * batches, gamma=schedule["gamma"])
    if kind == "multiStep":
        return torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[m * batches for m in schedule["milestones"]], gamma=schedule["gamma"])
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=schedule["minLr"])
    if kind == "oneCycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt,
            max_lr=lr,
            total_steps=steps,
            pct_start=schedule["pctStart"],
            anneal_strategy="cos",
            cycle_momentum=schedule["cycleMomentum"],
            base_momentum=schedule["baseMomentum"],
            max_momentum=schedule["maxMomentum"],
            div_factor=schedule["divFactor"],
            final_div_factor=schedule["finalDivFactor"],
        )
    raise ValueError(kind)


def schedule_case(case):
    p = torch.nn.Parameter(torch.zeros(1))
    lr = case["learningRate"]
    opt = torch.optim.SGD([p], lr=lr, momentum=0.9) if case["optimizer"] == "sgd" else torch.optim.Adam([p], lr=lr)
    total = case["epochs"] * case["batches"]
    warm = case["warmupSteps"]
    # The warm-up is made first, as a PyTorch script would write it: SequentialLR relies on that order.
    warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=case["warmupStartFactor"], end_factor=1.0, total_iters=warm) if warm > 0 else None
    main = main_scheduler(opt, case["schedule"], lr, total - warm, case["batches"])
    scheduler = torch.optim.lr_scheduler.SequentialLR(opt, [warmup, main], milestones=[warm]) if warmup else main
    rates, momenta = [], []
    for step in range(total):
        group = opt.param_groups[0]
        rates.append(group["lr"])
        momenta.append(group["momentum"] if "momentum" in group else group["betas"][0])
        p.grad = torch.zeros(1)
        opt.step()
        if step < total - 1:
            scheduler.step()
    return {"rates": rates, "momenta": momenta}


def main():
    manifest = json.load(open(sys.argv[1]))
    handlers = {"optimizer": optimizer_case, "loss": loss_case, "schedule": schedule_case}
    results = []
    for case in manifest["cases"]:
        try:
            results.append(handlers[case["kind"]](case))
        except Exception as error:  # reported by the test, naming the case
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump({"torch": torch.__version__, "results": results}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    import warnings

    # SequentialLR passes an epoch to step(), which PyTorch 1.13 warns about; the values are what matter here.
    warnings.filterwarnings("ignore")
    main()
