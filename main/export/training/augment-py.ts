/**
 * train.py's augmentation, with the studio's semantics (data/augment.ts), before the
 * normalisation:
 *
 * 1. RandomAffine per image: an angle within ±rotate degrees, a shift within ±shift pixels on
 *    each axis, a scale within 1 ± scale and a horizontal shear within ±shear degrees, all drawn
 *    uniformly. The matrix is torchvision's (`_get_inverse_affine_matrix`), RSS = R(a)·ShX(s)·scale,
 *    and output pixel p (from the centre ((width − 1) / 2, (height − 1) / 2), y down) reads the
 *    source at RSS⁻¹·(p − t), bilinearly, zeros (the background) outside. The whole batch is
 *    resampled by grid_sample (bilinear, zero padding, align_corners=True: pixel centres at ±1).
 *    Unlike torchvision, and like the studio, the shift is not rounded to whole pixels.
 * 2. RandomErasing: with probability `erase`, a rectangle of area share drawn from `eraseArea` and
 *    aspect ratio (height / width) drawn log-uniformly from `eraseRatio`, its sides rounded half to
 *    even (Python's round(), torch.round), set to the background; after ten draws that do not fit,
 *    nothing. The studio draws the ten tries one after another and stops at the first that fits;
 *    the script draws all ten for every image at once and takes the first that fits, the same
 *    rectangle for the same numbers.
 *
 * The random numbers come from another generator than the studio's (a torch.Generator per
 * process), so the images differ; for given draws they are the same (the tests feed both).
 */
export const AUGMENT_PY = String.raw`
# ── augmentation ─────────────────────────────────────────────────────────────

def augment(images, settings, generator):
    """Randomly transformed and erased copies of a batch (N, C, H, W) of values in [0, 1]."""
    rotate, shift, scale, shear = (settings[k] for k in ("rotate", "shift", "scale", "shear"))
    n = images.shape[0]
    uniform = lambda low, high, *shape: torch.rand(n, *shape, generator=generator, dtype=torch.float64) * (high - low) + low
    if rotate or shift or scale or shear:
        angle, dx, dy = uniform(-rotate, rotate), uniform(-shift, shift), uniform(-shift, shift)
        factor = uniform(1 - scale, 1 + scale) if scale else torch.ones(n, dtype=torch.float64)
        skew = uniform(-shear, shear) if shear else torch.zeros(n, dtype=torch.float64)
        images = transform(images, angle, dx, dy, factor, skew)
    if settings["erase"]:
        draw = lambda *shape: torch.rand(n, *shape, generator=generator, dtype=torch.float64)
        images = erased(images, erasures(images.shape[2], images.shape[3], settings, draw(), draw(10), draw(10), draw(), draw()))
    return images


def transform(images, angle, dx, dy, scale=None, shear=None):
    """Each image turned by angle (degrees), sheared by shear (degrees), scaled and shifted by (dx, dy) pixels: one of each per image."""
    n, _, height, width = images.shape
    device = images.device
    as_column = lambda v, default: (torch.full((n,), default, dtype=torch.float64) if v is None else torch.as_tensor(v, dtype=torch.float64)).to(device)[:, None, None]
    # The source coordinates in double precision, as the studio computes them; sampled in float32.
    angle, dx, dy, scale, shear = as_column(angle, 0), as_column(dx, 0), as_column(dy, 0), as_column(scale, 1), as_column(shear, 0)
    rotation = angle * math.pi / 180
    tan = torch.tan(shear * math.pi / 180)
    cos, sin = torch.cos(rotation), torch.sin(rotation)
    # RSS = scale·[[a, b], [c, d]] with determinant 1, so RSS⁻¹ = [[d, −b], [−c, a]] / scale.
    a, b, c, d = cos, -cos * tan - sin, sin, -sin * tan + cos
    i00, i01, i10, i11 = d / scale, -b / scale, -c / scale, a / scale
    cx, cy = (width - 1) / 2, (height - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(height, device=device, dtype=torch.float64), torch.arange(width, device=device, dtype=torch.float64), indexing="ij")
    ox = xs[None] - cx - dx
    oy = ys[None] - cy - dy
    sx = i00 * ox + i01 * oy + cx
    sy = i10 * ox + i11 * oy + cy
    grid = torch.stack((2 * sx / max(width - 1, 1) - 1, 2 * sy / max(height - 1, 1) - 1), dim=-1).to(images.dtype)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def erasures(height, width, settings, coin, area_draw, ratio_draw, top_draw, left_draw):
    """RandomErasing's rectangles (top, left, height, width), one row per image, height 0 for none, from uniform
    draws in [0, 1): a coin per image, ten tries' area and ratio draws each, one draw each for the top and left."""
    (area_low, area_high), (ratio_low, ratio_high) = settings["eraseArea"], settings["eraseRatio"]
    erased_area = height * width * (area_low + (area_high - area_low) * area_draw)
    log_low, log_high = math.log(ratio_low), math.log(ratio_high)
    ratio = torch.exp(log_low + (log_high - log_low) * ratio_draw)
    # torch.round rounds halves to even, as Python's round() in torchvision does.
    heights = torch.round(torch.sqrt(erased_area * ratio))
    widths = torch.round(torch.sqrt(erased_area / ratio))
    fits = (heights < height) & (widths < width)
    first = torch.argmax(fits.to(torch.int64), dim=1)
    rows = torch.arange(len(coin))
    chosen = fits[rows, first] & (coin < settings["erase"])
    h = torch.where(chosen, heights[rows, first], torch.zeros_like(coin))
    w = torch.where(chosen, widths[rows, first], torch.zeros_like(coin))
    top = torch.floor(top_draw * (height - h + 1))
    left = torch.floor(left_draw * (width - w + 1))
    return torch.stack((top, left, h, w), dim=1).to(torch.int64)


def erased(images, boxes):
    """The images with each one's rectangle set to 0 (the background)."""
    _, _, height, width = images.shape
    boxes = boxes.to(images.device)
    ys = torch.arange(height, device=images.device)[None, :, None]
    xs = torch.arange(width, device=images.device)[None, None, :]
    top, left, h, w = (boxes[:, i, None, None] for i in range(4))
    inside = (ys >= top) & (ys < top + h) & (xs >= left) & (xs < left + w)
    return images.masked_fill(inside[:, None], 0)
`;
