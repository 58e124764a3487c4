/**
 * train.py's initialisation, the studio's (TensorFlow.js' defaults, compile/to-tfjs.ts): Glorot
 * uniform kernels, limit √(6 / (fan in + fan out)) with TensorFlow's fans (a kernel's receptive
 * field times its input and output channels; a depthwise kernel's times the input channels and
 * the depth multiplier, not PyTorch's per-group fans), zero biases, BatchNorm at γ = 1, β = 0,
 * mean 0, variance 1. The numbers differ from the studio's (another random generator), the
 * distribution does not.
 */
export const INIT_PY = String.raw`
# ── initialisation ───────────────────────────────────────────────────────────

def glorot_fans(module):
    """TensorFlow's fan in and fan out of a convolution's or dense layer's kernel."""
    if isinstance(module, nn.Linear):
        return module.in_features, module.out_features
    out_channels, per_group, kh, kw = module.weight.shape
    if module.groups == 1:
        return per_group * kh * kw, out_channels * kh * kw
    # Depthwise: TensorFlow's kernel is (kh, kw, channels, multiplier).
    return module.groups * kh * kw, out_channels // module.groups * kh * kw


def initialise(model, generator):
    for module in model.modules():
        if not isinstance(module, (nn.Conv2d, nn.Linear)):
            continue
        fan_in, fan_out = glorot_fans(module)
        limit = math.sqrt(6 / (fan_in + fan_out))
        with torch.no_grad():
            module.weight.copy_(torch.rand(module.weight.shape, generator=generator) * 2 * limit - limit)
            if module.bias is not None:
                module.bias.zero_()
`;
