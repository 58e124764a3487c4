/**
 * train.py's initialisation, the studio's (the `init` setting, compile/to-tfjs.ts): Glorot
 * uniform kernels (Keras' default), limit √(6 / (fan in + fan out)) with TensorFlow's fans (a
 * kernel's receptive field times its input and output channels; a depthwise kernel's times the
 * input channels and the depth multiplier, not PyTorch's per-group fans); or Kaiming normal or
 * uniform (PyTorch's kaiming_normal_ / kaiming_uniform_, mode "fan_in", ReLU gain): std
 * √(2 / fan in) with PyTorch's fan in (inputs per output: kernel area × input channels per group;
 * a Dense layer's inputs), the uniform bound √3 times that. Zero biases, BatchNorm at γ = 1,
 * β = 0, mean 0, variance 1. The numbers differ from the studio's (another random generator), the
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


def kaiming_fan_in(module):
    """PyTorch's fan in of a kernel: the inputs each output sees."""
    if isinstance(module, nn.Linear):
        return module.in_features
    _, per_group, kh, kw = module.weight.shape
    return per_group * kh * kw


def initialise(model, generator, init="glorot"):
    for module in model.modules():
        if not isinstance(module, (nn.Conv2d, nn.Linear)):
            continue
        shape = module.weight.shape
        if init == "glorot":
            fan_in, fan_out = glorot_fans(module)
            limit = math.sqrt(6 / (fan_in + fan_out))
            kernel = torch.rand(shape, generator=generator) * 2 * limit - limit
        elif init == "kaimingNormal":
            kernel = torch.randn(shape, generator=generator) * math.sqrt(2 / kaiming_fan_in(module))
        elif init == "kaimingUniform":
            limit = math.sqrt(3) * math.sqrt(2 / kaiming_fan_in(module))
            kernel = torch.rand(shape, generator=generator) * 2 * limit - limit
        else:
            raise SystemExit(f"error: unknown init {init!r} (glorot, kaimingNormal or kaimingUniform)")
        with torch.no_grad():
            module.weight.copy_(kernel)
            if module.bias is not None:
                module.bias.zero_()
`;
