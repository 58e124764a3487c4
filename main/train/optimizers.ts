/** The optimizers a run can use, and changing their learning rate between batches. */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';

export function createOptimizer(tf: TensorFlow, settings: TrainingSettings, learningRate: number): tfjs.Optimizer {
  if (settings.optimizer === 'adam') return tf.train.adam(learningRate);
  if (settings.momentum === 0) return tf.train.sgd(learningRate);
  return tf.train.momentum(learningRate, settings.momentum, settings.nesterov);
}

/**
 * TensorFlow.js reads `learningRate` on every step but offers a setter only on SGD (and so on
 * Momentum, its subclass); Adam keeps it in a plain field.
 */
export function setLearningRate(optimizer: tfjs.Optimizer, learningRate: number): void {
  const settable = optimizer as unknown as { setLearningRate?: (rate: number) => void; learningRate: number };
  if (typeof settable.setLearningRate === 'function') settable.setLearningRate(learningRate);
  else settable.learningRate = learningRate;
}
