/**
 * One channel of a feature map as grey levels, scaled to the channel's own range (black its
 * lowest value, white its highest), so a weak channel is as readable as a strong one. A channel
 * with one value everywhere (every 1×1 map, and dead channels) has no range: it is drawn mid-grey
 * and its value is returned to be shown, instead of the black square the scaling would give.
 */
export interface ChannelImage {
  /** Grey level per pixel, row by row. */
  grey: Uint8ClampedArray;
  /** The value of a constant channel; null when it varies. */
  constant: number | null;
}

export const CONSTANT_GREY = 128;

/** `values` is the layer's activations, height × width × channels, channels last. */
export function channelImage(values: ArrayLike<number>, [height, width, channels]: readonly [number, number, number], channel: number): ChannelImage {
  const pixels = height * width;
  let low = Infinity;
  let high = -Infinity;
  for (let p = 0; p < pixels; p++) {
    const v = values[p * channels + channel]!;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const grey = new Uint8ClampedArray(pixels);
  if (!(high > low)) {
    grey.fill(CONSTANT_GREY);
    return { grey, constant: low };
  }
  for (let p = 0; p < pixels; p++) grey[p] = Math.round((255 * (values[p * channels + channel]! - low)) / (high - low));
  return { grey, constant: null };
}

/** A constant's value as a map's label: short, whatever its size. */
export function formatActivation(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1000 || magnitude < 0.01 ? value.toExponential(1) : trimZeros(value.toPrecision(2));
}

/** "2.50" → "2.5", "40" stays "40". */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
