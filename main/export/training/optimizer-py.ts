/**
 * train.py's optimizer, as the studio's (train/optimizers.ts, TensorFlow.js): SGD, with momentum
 * (PyTorch's SGD with momentum and no dampening is TensorFlow's MomentumOptimizer; Nesterov the
 * same), or Adam with TensorFlow.js' epsilon of 1e-7 (PyTorch's default is 1e-8). Only parameters
 * that train are given to it (frozen blocks have requires_grad False).
 */
export const OPTIMIZER_PY = String.raw`
# ── optimizer ────────────────────────────────────────────────────────────────

def make_optimizer(model, settings, learning_rate):
    parameters = [p for p in model.parameters() if p.requires_grad]
    if settings["optimizer"] == "adam":
        return torch.optim.Adam(parameters, lr=learning_rate, betas=(0.9, 0.999), eps=1e-7)
    if settings["momentum"] == 0:
        return torch.optim.SGD(parameters, lr=learning_rate)
    return torch.optim.SGD(parameters, lr=learning_rate, momentum=settings["momentum"], nesterov=settings["nesterov"])


def set_learning_rate(optimizer, rate):
    for group in optimizer.param_groups:
        group["lr"] = rate
`;
