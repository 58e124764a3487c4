/**
 * The in-place SGD and Momentum updates (main/train/parallel/in-place-update.ts) against
 * TensorFlow.js's own: bit for bit the same weights and velocities after several steps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { updateInPlace } from '../../main/train/parallel/in-place-update.ts';
import { randomValues, tf, wasmReady } from '../backends/wasm-test-utils.ts';

const shapes = [[3, 3, 2, 4], [4], [17]];

function variables(): tf.Variable[] {
  return shapes.map((shape, i) => tf.variable(tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), 10 + i), shape)));
}

describe('updating weights in place', () => {
  beforeAll(async () => {
    await wasmReady();
    await tf.setBackend('wasm');
  });

  it.each([
    ['SGD', () => tf.train.sgd(0.037)],
    ['Momentum', () => tf.train.momentum(0.05, 0.9)],
    ['Nesterov momentum', () => tf.train.momentum(0.013, 0.85, true)],
  ] as const)('gives %s the same weights and velocities as TensorFlow.js, bit for bit', async (_name, make) => {
    const reference = variables();
    const inPlace = variables();
    const a = make();
    const b = make();
    for (let step = 0; step < 6; step++) {
      const grads = shapes.map((shape, i) => randomValues(shape.reduce((x, y) => x * y, 1), 100 * step + i));
      const tensors = grads.map((g, i) => tf.tensor(g, shapes[i]));
      a.applyGradients(reference.map((v, i) => ({ name: v.name, tensor: tensors[i]! })));
      // The first step creates the velocities, through TensorFlow.js; the others go in place.
      const done = updateInPlace(tf, b, inPlace, (i) => grads[i]!);
      if (!done) b.applyGradients(inPlace.map((v, i) => ({ name: v.name, tensor: tensors[i]! })));
      expect(done).toBe(step > 0 || _name === 'SGD');
      tf.dispose(tensors);
    }
    reference.forEach((v, i) => expect(Array.from(inPlace[i]!.dataSync())).toEqual(Array.from(v.dataSync())));
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    // The iteration count and the velocities, as a checkpoint would save them.
    expect(wb).toHaveLength(wa.length);
    wa.forEach((w, i) => expect(Array.from(wb[i]!.tensor.dataSync())).toEqual(Array.from(w.tensor.dataSync())));
    tf.dispose([...reference, ...inPlace]);
    a.dispose();
    b.dispose();
  });

  it('gives each weight new memory, so an XNNPACK convolution that packed it sees the update', () => {
    // Ten output channels: not in fours, so the convolution goes to XNNPACK, which packs the
    // filter once and keeps it under the filter's tensor id.
    const filter = tf.variable(tf.tensor(randomValues(4 * 10, 3), [1, 1, 4, 10]));
    const x = tf.tensor(randomValues(3 * 3 * 4, 4), [1, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid');
    const done = updateInPlace(tf, tf.train.sgd(0.5), [filter], () => randomValues(40, 5));
    expect(done).toBe(true);
    const after = tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid');
    const fresh = tf.tensor(filter.dataSync(), [1, 1, 4, 10]) as tf.Tensor4D;
    const expected = tf.conv2d(x, fresh, 1, 'valid');
    expect(Array.from(after.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(before.dataSync()));
    tf.dispose([filter, x, before, after, fresh, expected]);
  });

  it('leaves Adam to TensorFlow.js', () => {
    const vars = variables();
    expect(updateInPlace(tf, tf.train.adam(0.01), vars, (i) => new Float32Array(vars[i]!.size))).toBe(false);
    tf.dispose(vars);
  });
});
