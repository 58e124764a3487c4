/**
 * train.py's augmentation, with the studio's semantics (data/augment.ts): per image, a rotation
 * about the centre by an angle drawn uniformly within ±rotate degrees and a shift by up to ±shift
 * pixels on each axis, resampled bilinearly from the source with zeros (the background) outside
 * it, before the normalisation. The same inverse mapping, output pixel (x, y) read from
 *   sx = cos·(x − cx − dx) + sin·(y − cy − dy) + cx,   sy = −sin·(x − cx − dx) + cos·(y − cy − dy) + cy
 * with (cx, cy) the centre ((width − 1) / 2, (height − 1) / 2), is done for the whole batch by
 * grid_sample (bilinear, zero padding, align_corners=True: pixel centres at ±1).
 */
export const AUGMENT_PY = String.raw`
# ── augmentation ─────────────────────────────────────────────────────────────

def augment(images, rotate, shift, generator):
    """Randomly rotated and shifted copies of a batch (N, C, H, W) of values in [0, 1]."""
    if rotate == 0 and shift == 0:
        return images
    n = images.shape[0]
    uniform = lambda low, high: (torch.rand(n, generator=generator, dtype=torch.float64) * (high - low) + low).to(images.device)
    return transform(images, uniform(-rotate, rotate) * math.pi / 180, uniform(-shift, shift), uniform(-shift, shift))


def transform(images, angle, dx, dy):
    """Each image rotated by angle (radians) about its centre and shifted by (dx, dy) pixels, one of each per image."""
    _, _, height, width = images.shape
    device = images.device
    # The source coordinates in double precision, as the studio computes them; sampled in float32.
    angle, dx, dy = (torch.as_tensor(v, dtype=torch.float64, device=device)[:, None, None] for v in (angle, dx, dy))
    cos, sin = torch.cos(angle), torch.sin(angle)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(height, device=device, dtype=torch.float64), torch.arange(width, device=device, dtype=torch.float64), indexing="ij")
    ox = xs[None] - cx - dx
    oy = ys[None] - cy - dy
    sx = cos * ox + sin * oy + cx
    sy = -sin * ox + cos * oy + cy
    grid = torch.stack((2 * sx / max(width - 1, 1) - 1, 2 * sy / max(height - 1, 1) - 1), dim=-1).to(images.dtype)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
`;
