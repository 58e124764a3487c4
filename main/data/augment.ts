/**
 * On-the-fly augmentation of one training image, as torchvision composes it:
 *
 * 1. RandomAffine: a rotation, horizontal shear and scale about the centre, then a shift, resampled
 *    bilinearly with zeros (the background) where the source falls outside the image. The matrix
 *    is torchvision's (`_get_inverse_affine_matrix`, torchvision 0.14): RSS = R(a)·ShX(s)·scale,
 *    and the output pixel p (from the centre, y down) reads the source at RSS⁻¹·(p − t).
 *    Unlike torchvision, the shift is not rounded to whole pixels.
 * 2. RandomErasing (Zhong et al. 2020, torchvision's `RandomErasing.get_params`): with probability
 *    `erase`, a rectangle of area share drawn from `eraseArea` and aspect ratio (height / width)
 *    drawn log-uniformly from `eraseRatio` is set to the background; after ten draws that do not
 *    fit in the image, nothing is erased. Erased before normalisation, so it is PyTorch's
 *    RandomErasing(value=0) placed before Normalize.
 *
 * Random numbers are drawn in a fixed order: angle, shift x, shift y, then scale and shear when
 * they are on, then erasing when it is on; an older setting (rotation and shift only) draws
 * exactly what it always drew, so an older run repeats.
 */
import { uniform, type Random } from './random.ts';

export interface Augmentation {
  /** Largest rotation either way, in degrees (the journey's round 9 uses 7). */
  rotate: number;
  /** Largest shift either way, in pixels. */
  shift: number;
  /** Largest change of size either way, as a share (0.1: 0.9× to 1.1×). */
  scale?: number;
  /** Largest horizontal shear either way, in degrees. */
  shear?: number;
  /** Probability of erasing a rectangle. */
  erase?: number;
  /** The erased area as a share of the image, [low, high]. */
  eraseArea?: readonly [number, number];
  /** The erased rectangle's height / width, [low, high], drawn log-uniformly. */
  eraseRatio?: readonly [number, number];
}

export const NO_AUGMENTATION: Augmentation = { rotate: 0, shift: 0 };

const DEFAULT_ERASE_AREA = [0.02, 0.33] as const;
const DEFAULT_ERASE_RATIO = [0.3, 3.3] as const;

/** True when the image passes through unchanged, and no random number is drawn for it. */
export function isIdentity(augmentation: Augmentation): boolean {
  return !hasAffine(augmentation) && !(augmentation.erase ?? 0);
}

function hasAffine(a: Augmentation): boolean {
  return a.rotate !== 0 || a.shift !== 0 || (a.scale ?? 0) !== 0 || (a.shear ?? 0) !== 0;
}

/**
 * Writes the augmented image (values 0–1, channels last) into `target` at `offset`.
 * `source` holds the original 0–255 bytes at `sourceOffset`.
 */
export function augmentInto(
  target: Float32Array,
  offset: number,
  source: Uint8Array,
  sourceOffset: number,
  shape: readonly [number, number, number],
  augmentation: Augmentation,
  random: Random,
): void {
  const [height, width, channels] = shape;
  const size = height * width * channels;
  if (hasAffine(augmentation)) {
    affineInto(target, offset, source, sourceOffset, shape, drawAffine(augmentation, random));
  } else {
    for (let p = 0; p < size; p++) target[offset + p] = source[sourceOffset + p]! / 255;
  }
  if (augmentation.erase) {
    const box = drawErasure(augmentation, height, width, random);
    if (box) eraseInto(target, offset, shape, box);
  }
}

/** One draw of RandomAffine's parameters: degrees, pixels, a factor. */
export interface AffineDraw {
  angle: number;
  dx: number;
  dy: number;
  scale: number;
  shear: number;
}

function drawAffine(a: Augmentation, random: Random): AffineDraw {
  const angle = uniform(random, -a.rotate, a.rotate);
  const dx = uniform(random, -a.shift, a.shift);
  const dy = uniform(random, -a.shift, a.shift);
  const scale = a.scale ? uniform(random, 1 - a.scale, 1 + a.scale) : 1;
  const shear = a.shear ? uniform(random, -a.shear, a.shear) : 0;
  return { angle, dx, dy, scale, shear };
}

/** The affine warp of one image for given parameters, resampled bilinearly. */
export function affineInto(
  target: Float32Array,
  offset: number,
  source: Uint8Array,
  sourceOffset: number,
  [height, width, channels]: readonly [number, number, number],
  { angle, dx, dy, scale, shear }: AffineDraw,
): void {
  const rotation = (angle * Math.PI) / 180;
  const tan = Math.tan((shear * Math.PI) / 180);
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  // RSS = scale·[[a, b], [c, d]] with determinant 1, so RSS⁻¹ = [[d, −b], [−c, a]] / scale.
  const a = cos;
  const b = -cos * tan - sin;
  const c = sin;
  const d = -sin * tan + cos;
  const [i00, i01, i10, i11] = [d / scale, -b / scale, -c / scale, a / scale];
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const pixel = (y: number, x: number, ch: number) =>
    y < 0 || y >= height || x < 0 || x >= width ? 0 : source[sourceOffset + (y * width + x) * channels + ch]!;

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse mapping: where in the source does this output pixel come from?
      const ox = x - cx - dx;
      const oy = y - cy - dy;
      const sx = i00 * ox + i01 * oy + cx;
      const sy = i10 * ox + i11 * oy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < channels; ch++) {
        const top = pixel(y0, x0, ch) * (1 - fx) + pixel(y0, x0 + 1, ch) * fx;
        const bottom = pixel(y0 + 1, x0, ch) * (1 - fx) + pixel(y0 + 1, x0 + 1, ch) * fx;
        target[offset + (y * width + x) * channels + ch] = (top * (1 - fy) + bottom * fy) / 255;
      }
    }
  }
}

/** A rectangle: top row, left column, height, width, in pixels. */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** RandomErasing's draw: null when the coin says no, or when ten tries found no rectangle that fits. */
export function drawErasure(a: Augmentation, imageHeight: number, imageWidth: number, random: Random): Box | null {
  if (!(random() < (a.erase ?? 0))) return null;
  const [areaLow, areaHigh] = a.eraseArea ?? DEFAULT_ERASE_AREA;
  const [ratioLow, ratioHigh] = a.eraseRatio ?? DEFAULT_ERASE_RATIO;
  const area = imageHeight * imageWidth;
  for (let attempt = 0; attempt < 10; attempt++) {
    const erased = area * uniform(random, areaLow, areaHigh);
    const ratio = Math.exp(uniform(random, Math.log(ratioLow), Math.log(ratioHigh)));
    const height = roundHalfEven(Math.sqrt(erased * ratio));
    const width = roundHalfEven(Math.sqrt(erased / ratio));
    if (!(height < imageHeight && width < imageWidth)) continue;
    const top = Math.floor(random() * (imageHeight - height + 1));
    const left = Math.floor(random() * (imageWidth - width + 1));
    return { top, left, height, width };
  }
  return null;
}

function eraseInto(target: Float32Array, offset: number, [, width, channels]: readonly [number, number, number], box: Box): void {
  for (let y = box.top; y < box.top + box.height; y++) {
    target.fill(0, offset + (y * width + box.left) * channels, offset + (y * width + box.left + box.width) * channels);
  }
}

/** Python's round(): halves go to the even neighbour (round(2.5) is 2), as torchvision's sizes are rounded. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
