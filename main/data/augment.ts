/**
 * On-the-fly augmentation of one image: a random rotation about the centre and a random shift,
 * resampled bilinearly, with zeros (the background) where the source falls outside the image.
 */
import { uniform, type Random } from './random.ts';

export interface Augmentation {
  /** Largest rotation either way, in degrees (the journey's round 9 uses 7). */
  rotate: number;
  /** Largest shift either way, in pixels. */
  shift: number;
}

export const NO_AUGMENTATION: Augmentation = { rotate: 0, shift: 0 };

export function isIdentity(augmentation: Augmentation): boolean {
  return augmentation.rotate === 0 && augmentation.shift === 0;
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
  [height, width, channels]: readonly [number, number, number],
  augmentation: Augmentation,
  random: Random,
): void {
  const angle = (uniform(random, -augmentation.rotate, augmentation.rotate) * Math.PI) / 180;
  const dx = uniform(random, -augmentation.shift, augmentation.shift);
  const dy = uniform(random, -augmentation.shift, augmentation.shift);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const pixel = (y: number, x: number, c: number) =>
    y < 0 || y >= height || x < 0 || x >= width ? 0 : source[sourceOffset + (y * width + x) * channels + c]!;

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse mapping: where in the source does this output pixel come from?
      const ox = x - cx - dx;
      const oy = y - cy - dy;
      const sx = cos * ox + sin * oy + cx;
      const sy = -sin * ox + cos * oy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const top = pixel(y0, x0, c) * (1 - fx) + pixel(y0, x0 + 1, c) * fx;
        const bottom = pixel(y0 + 1, x0, c) * (1 - fx) + pixel(y0 + 1, x0 + 1, c) * fx;
        target[offset + (y * width + x) * channels + c] = (top * (1 - fy) + bottom * fy) / 255;
      }
    }
  }
}
