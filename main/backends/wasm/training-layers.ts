/**
 * Routes the training-mode forward pass of two tfjs-layers layers through the fused kernels when
 * the active backend is 'wasm':
 *   BatchNormalization (trainable, normalising over every axis but the last, with centre and scale) →
 *     batch-norm.ts; the moving mean and variance are updated exactly as tfjs-layers does
 *     (v ← v − (v − batch value)·(1 − momentum)), from the kernel's biased batch variance.
 *   Dropout (0 < rate < 1, no noiseShape) → dropout.ts, its mask drawn from the layer's seed
 *     when it has one (so a seeded run repeats), from Math.random otherwise.
 * A layer's behaviour depends on its class only, so the patch goes on the class prototype; every
 * other case (inference, other backends, other configurations) runs the original `call`.
 *
 * And one op: tf.fused.conv2d without bias or activation (what tfjs-layers' Conv2D calls when
 * useBias is false) becomes tf.conv2d on wasm. Same kernel, same result, but the fused op's
 * gradient is a customGrad that computes dx and dw eagerly, so the first layer paid for the
 * gradient of the network's input (round 10: conv1's dx, 2.6 ms a step) that nobody uses; Conv2D's
 * registered gradient computes only what the tape asks for.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { batchNormTraining } from './batch-norm.ts';
import { seededRandom } from '../../data/random.ts';
import { dropout, dropoutSeed } from './dropout.ts';
import { blendMovingStatistic, layerPrototype, type BatchNormFields } from '../../compile/tfjs-layer-internals.ts';
import type { TensorFlow } from './heap.ts';

interface DropoutLayer {
  rate: number;
  noiseShape?: unknown;
  seed?: number;
  invokeCallHook(inputs: unknown, kwargs: unknown): void;
}
type Call = (this: unknown, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: { training?: boolean } | undefined) => tfjs.Tensor | tfjs.Tensor[];

const PATCHED = Symbol.for('cnn-studio.fast-training-layers');

function oneTensor(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

type FusedConv2dArgs = Parameters<TensorFlow['fused']['conv2d']>[0];

export function installFastTrainingLayers(tf: TensorFlow): void {
  const fused = tf.fused as unknown as Record<string | symbol, unknown> & { conv2d: (args: FusedConv2dArgs) => tfjs.Tensor };
  if (!fused[PATCHED]) {
    const original = fused.conv2d;
    fused.conv2d = (args: FusedConv2dArgs) => {
      const plain = args.bias == null && (args.activation == null || args.activation === 'linear') && args.preluActivationWeights == null;
      if (!plain || tf.getBackend() !== 'wasm') return original(args);
      return tf.conv2d(args.x as tfjs.Tensor4D, args.filter as tfjs.Tensor4D, args.strides, args.pad, args.dataFormat, args.dilations, args.dimRoundingMode);
    };
    fused[PATCHED] = true;
  }

  const batchNorm = layerPrototype(tf, 'BatchNormalization');
  if (!batchNorm[PATCHED]) {
    const original = batchNorm.call as Call;
    batchNorm.call = function (this: BatchNormFields, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: { training?: boolean } | undefined) {
      const input = oneTensor(inputs);
      const axis = this.axis >= 0 ? this.axis : this.axis + input.rank;
      // A frozen layer runs in inference mode (compile/batch-norm-layer.ts), whichever patch is outermost.
      if (!kwargs?.training || !this.trainable || tf.getBackend() !== 'wasm' || axis !== input.rank - 1 || !this.center || !this.scale || input.dtype !== 'float32') {
        return original.call(this, inputs, kwargs);
      }
      return tf.tidy(() => {
        // center and scale were checked above: γ and β exist.
        const [y, mean, variance] = batchNormTraining(tf, input, this.gamma!.read(), this.beta!.read(), this.epsilon);
        blendMovingStatistic(tf, this.movingMean, mean, this.momentum);
        blendMovingStatistic(tf, this.movingVariance, variance, this.momentum);
        return y;
      });
    } as Call;
    batchNorm[PATCHED] = true;
  }

  const drop = layerPrototype(tf, 'Dropout');
  if (!drop[PATCHED]) {
    const original = drop.call as Call;
    drop.call = function (this: DropoutLayer, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: { training?: boolean } | undefined) {
      const input = oneTensor(inputs);
      if (!kwargs?.training || tf.getBackend() !== 'wasm' || !(this.rate > 0 && this.rate < 1) || this.noiseShape != null || input.dtype !== 'float32') {
        return original.call(this, inputs, kwargs);
      }
      return tf.tidy(() => {
        this.invokeCallHook(inputs, kwargs);
        return dropout(tf, input, this.rate, dropoutSeed(this.seed == null ? Math.random : seededRandom(this.seed)));
      });
    } as Call;
    drop[PATCHED] = true;
  }
}
