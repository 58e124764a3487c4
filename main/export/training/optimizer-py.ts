/**
 * train.py's optimizer: the studio's (train/optimizers.ts) is written as PyTorch 1.13 computes
 * SGD, Adam and AdamW, so the script uses torch.optim's own with the same numbers: SGD with
 * momentum, Nesterov and L2 weight decay (PyTorch's `weight_decay`); Adam with the run's betas,
 * epsilon (TensorFlow.js' 1e-7 by default) and L2 decay; AdamW with decoupled decay. One-cycle's
 * momentum cycling sets SGD's momentum (Adam's β1) before every batch, as the studio's
 * setMomentum does; torch.optim reads both from the parameter group at every step, and Adam's bias
 * correction uses the current β1, as the studio's does. Only parameters that train are given to it
 * (frozen blocks have requires_grad False).
 */
export const OPTIMIZER_PY = String.raw`
# ── optimizer ────────────────────────────────────────────────────────────────

def make_optimizer(model, settings, learning_rate, momentum=None):
    """The studio's optimizer; momentum: SGD's momentum (Adam's β1) when one-cycle cycles it, else the setting."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    decay = settings["weightDecay"]
    if settings["optimizer"] in ("adam", "adamw"):
        betas = (settings["beta1"] if momentum is None else momentum, settings["beta2"])
        kind = torch.optim.Adam if settings["optimizer"] == "adam" else torch.optim.AdamW
        return kind(parameters, lr=learning_rate, betas=betas, eps=settings["epsilon"], weight_decay=decay)
    # Without cycling, PyTorch keeps no momentum buffer at momentum 0 (nor may Nesterov be asked for there), the
    # studio neither; while one-cycle cycles it, both keep one (see set_rates for the 0).
    momentum = settings["momentum"] if momentum is None else momentum or 5e-324
    return torch.optim.SGD(parameters, lr=learning_rate, momentum=momentum, nesterov=settings["nesterov"] and momentum > 0, weight_decay=decay)


def set_rates(optimizer, rate, momentum=None):
    """The learning rate of the next step and, when the schedule cycles it, SGD's momentum (Adam's β1)."""
    for group in optimizer.param_groups:
        group["lr"] = rate
        if momentum is None:
            continue
        if "betas" in group:
            group["betas"] = (momentum, group["betas"][1])
        else:
            # At momentum 0 PyTorch's SGD leaves its buffer alone, where the studio's (which keeps one
            # while it cycles) becomes the step: the smallest double, 0 once in float32, does that.
            group["momentum"] = momentum or 5e-324
`;
