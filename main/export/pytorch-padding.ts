/**
 * Padding, TensorFlow's way and PyTorch's. TensorFlow's "same" puts the odd pixel after (bottom,
 * right); PyTorch's layers pad both sides alike. Convolutions get an explicit pad in front when
 * the sides differ. Pooling gets PyTorch's own arguments, which ignore padded pixels as
 * TensorFlow does (max over the image only, averages divided by the pixels inside the image):
 *   - sides alike: `padding=p`;
 *   - one more after, stride ≥ 2: `padding=before` with `ceil_mode=True`, which adds the last
 *     window, clipped at the image edge;
 *   - one more after, stride 1 (an even window): `padding=after` on both sides, then the first
 *     output row (column) is dropped, leaving the windows TensorFlow computes.
 */
import { axisPadding, effectiveKernel } from '../analysis/conv-arithmetic.ts';
import type { Shape } from '../analysis/types.ts';
import type { Padding } from '../graph/types.ts';

export interface Sides {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The pixels a window block pads on each side of a height × width × channels input. */
export function windowSides(
  padding: Padding,
  input: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilation: readonly [number, number] = [1, 1],
): Sides {
  const [top, bottom] = axisPadding(padding, 0, input[0]!, effectiveKernel(kernel[0], dilation[0]), strides[0]);
  const [left, right] = axisPadding(padding, 1, input[1]!, effectiveKernel(kernel[1], dilation[1]), strides[1]);
  return { top, bottom, left, right };
}

export const isSymmetric = (s: Sides) => s.top === s.bottom && s.left === s.right;
export const hasPadding = (s: Sides) => s.top + s.bottom + s.left + s.right > 0;

/** PyTorch's and F.pad's order: (left, right, top, bottom). */
export function padTuple(s: Sides): string {
  return `(${s.left}, ${s.right}, ${s.top}, ${s.bottom})`;
}

export interface TorchPoolPadding {
  /** `padding=` per axis, [height, width]. */
  padding: [number, number];
  ceilMode: boolean;
  /** Per axis, whether the first output row (column) must be dropped. */
  dropFirst: [boolean, boolean];
}

/** PyTorch pooling arguments that give TensorFlow's windows for the given padding; see the top of the file. */
export function torchPoolPadding(sides: Sides, strides: readonly [number, number]): TorchPoolPadding {
  const axes = [
    [sides.top, sides.bottom, strides[0]],
    [sides.left, sides.right, strides[1]],
  ] as const;
  const padding: [number, number] = [0, 0];
  const dropFirst: [boolean, boolean] = [false, false];
  let ceilMode = false;
  axes.forEach(([before, after, stride], axis) => {
    if (after <= before) {
      padding[axis] = before;
    } else if (stride >= 2) {
      padding[axis] = before;
      ceilMode = true;
    } else {
      padding[axis] = after;
      dropFirst[axis] = true;
    }
  });
  return { padding, ceilMode, dropFirst };
}
