/**
 * Repeatable dropout. Without a seed, TensorFlow.js draws every mask from Math.random (its
 * `randomUniform` seeds alea from it), and so did the wasm kernel, so two runs with the same seed
 * never gave the same numbers. With a fixed `seed` a Dropout layer would draw the same mask on
 * every batch instead. So before each batch the trainer gives every Dropout layer a new seed, drawn
 * from a stream of the run's own: the masks change from batch to batch and repeat from run to
 * run, on every backend (tfjs-core's dropout takes the seed; the wasm kernel expands it,
 * backends/wasm/dropout.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom } from '../data/random.ts';

/** The part of tfjs-layers' Dropout this uses: `seed` is read at each call. */
interface SeededLayer {
  seed?: number;
}

/** Call before each batch; `state()` is where the seed stream stands, for a resumed run. */
export interface DropoutReseeder {
  (): void;
  state(): number;
}

/**
 * Returns a function to call before each batch; a model without dropout gets one that does
 * nothing. The stream is the run's seed mixed with a constant, so it does not repeat the
 * shuffling stream that starts from the same seed; `resumeAt` continues a stream from its state.
 */
export function dropoutReseeder(model: tfjs.LayersModel, runSeed: number, resumeAt?: number): DropoutReseeder {
  const layers = model.layers.filter((layer) => layer.getClassName() === 'Dropout') as unknown as SeededLayer[];
  const random = seededRandom(resumeAt ?? (runSeed ^ 0x5bd1e995) >>> 0);
  const reseed = () => {
    for (const layer of layers) layer.seed = Math.floor(random() * 4294967296);
  };
  return Object.assign(reseed, { state: () => random.state() });
}
