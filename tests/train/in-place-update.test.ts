/**
 * The in-place SGD updates (main/train/parallel/in-place-update.ts) against the studio's optimizer
 * computing them with TensorFlow.js's kernels (main/train/optimizers.ts, itself checked against
 * PyTorch in recipes-pytorch.test.ts): bit for bit the same weights and momentum buffers after
 * several steps, weight decay and Nesterov included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { trainingSettingsSchema } from '../../main/graph/training-settings.ts';
import { createOptimizer } from '../../main/train/optimizers.ts';
import { updateInPlace } from '../../main/train/parallel/in-place-update.ts';
import { randomValues, tf, wasmReady } from '../backends/wasm-test-utils.ts';

const shapes = [[3, 3, 2, 4], [4], [17]];

/** The studio's optimizer for these settings, at `rate`. */
function optimizer(settings: Record<string, unknown>, rate: number) {
  return createOptimizer(tf, trainingSettingsSchema.parse(settings), rate);
}

function variables(): tf.Variable[] {
  return shapes.map((shape, i) => tf.variable(tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), 10 + i), shape)));
}

describe('updating weights in place', () => {
  beforeAll(async () => {
    await wasmReady();
    await tf.setBackend('wasm');
  });

  it.each([
    ['SGD', () => optimizer({ optimizer: 'sgd', momentum: 0 }, 0.037)],
    ['Momentum', () => optimizer({ optimizer: 'sgd', momentum: 0.9 }, 0.05)],
    ['Nesterov momentum', () => optimizer({ optimizer: 'sgd', momentum: 0.85, nesterov: true }, 0.013)],
    ['Momentum with weight decay', () => optimizer({ optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, 0.05)],
    ['SGD with weight decay', () => optimizer({ optimizer: 'sgd', momentum: 0, weightDecay: 0.01 }, 0.1)],
  ] as const)('gives %s the same weights and momentum buffers as TensorFlow.js kernels, bit for bit', async (_name, make) => {
    const reference = variables();
    const inPlace = variables();
    const a = make();
    const b = make();
    for (let step = 0; step < 6; step++) {
      const grads = shapes.map((shape, i) => randomValues(shape.reduce((x, y) => x * y, 1), 100 * step + i));
      const tensors = grads.map((g, i) => tf.tensor(g, shapes[i]));
      a.applyGradients(reference.map((v, i) => ({ name: v.name, tensor: tensors[i]! })));
      expect(updateInPlace(tf, b, inPlace, (i) => grads[i]!)).toBe(true);
      tf.dispose(tensors);
      // A changed rate is read at the next step, as the schedule changes it.
      a.setLearningRate(0.02 + step / 100);
      b.setLearningRate(0.02 + step / 100);
    }
    reference.forEach((v, i) => expect(Array.from(inPlace[i]!.dataSync())).toEqual(Array.from(v.dataSync())));
    // The step count and the momentum buffers, as a checkpoint saves them.
    const [sa, sb] = [a.exportState(reference), b.exportState(inPlace)];
    expect(sb.step).toBe(6);
    expect(sb.step).toBe(sa.step);
    sa.slots.forEach((slots, i) => slots.forEach((slot, s) => expect(Array.from(sb.slots[i]![s]!)).toEqual(Array.from(slot))));
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
    const done = updateInPlace(tf, optimizer({ optimizer: 'sgd', momentum: 0 }, 0.5), [filter], () => randomValues(40, 5));
    expect(done).toBe(true);
    const after = tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid');
    const fresh = tf.tensor(filter.dataSync(), [1, 1, 4, 10]) as tf.Tensor4D;
    const expected = tf.conv2d(x, fresh, 1, 'valid');
    expect(Array.from(after.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(before.dataSync()));
    tf.dispose([filter, x, before, after, fresh, expected]);
  });

  it.each(['adam', 'adamw'])('leaves %s to TensorFlow.js', (name) => {
    const vars = variables();
    expect(updateInPlace(tf, optimizer({ optimizer: name, weightDecay: 0.01 }, 0.01), vars, (i) => new Float32Array(vars[i]!.size))).toBe(false);
    tf.dispose(vars);
  });
});
