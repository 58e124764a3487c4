/** Seeded pseudo-random numbers, so that shuffling and augmentation can be repeated exactly. */

export type Random = () => number;

/** A seeded stream that can say where it stands, so that a resumed run continues it exactly. */
export interface SeededRandom extends Random {
  /** The stream's whole state: `seededRandom(random.state())` continues where `random` is. */
  state(): number;
}

/** Mulberry32: tiny, fast, and good enough for shuffling and augmentation. Returns [0, 1). */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, { state: () => state });
}

/** Fisher–Yates shuffle of 0 … n-1. */
export function shuffledIndices(n: number, random: Random): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** Uniform in [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}
