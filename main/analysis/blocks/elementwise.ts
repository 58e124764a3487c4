/** Blocks that keep the shape: BatchNorm, activations, Dropout. */
import { inRange, problems } from '../settings.ts';
import type { BlockSpec } from './spec.ts';

export const batchNorm: BlockSpec<'batchNorm'> = {
  title: 'BatchNorm',
  doc: {
    summary: 'Normalises each channel over the batch, then scales it by γ and shifts it by β.',
    shape: 'unchanged: H×W×C',
    params: '2·C trainable (γ, β) + 2·C non-trainable (moving mean and variance)',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) =>
    problems(inRange('momentum', p.momentum, 0, 1, true), p.epsilon > 0 ? undefined : `epsilon must be above 0 (got ${p.epsilon})`),
  outputShape: (_p, [input]) => ({ shape: input! }),
  // Gamma (scale) and beta (centre) are learned, each unless switched off; the moving mean and
  // variance are only tracked. Keras' count: 2·C trainable with both, C with one, 0 with neither.
  params: (p, [input]) => {
    const channels = input![input!.length - 1]!;
    const learned = (p.scale === false ? 0 : 1) + (p.center === false ? 0 : 1);
    return { trainable: learned * channels, nonTrainable: 2 * channels };
  },
};

export const activation: BlockSpec<'activation'> = {
  title: 'Activation',
  doc: {
    summary: 'An element-wise nonlinearity (ReLU, GELU, sigmoid, …).',
    shape: 'unchanged',
    params: 'none',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) => problems(Number.isFinite(p.alpha) ? undefined : `alpha must be a number (got ${p.alpha})`),
  outputShape: (_p, [input]) => ({ shape: input! }),
};

export const dropout: BlockSpec<'dropout'> = {
  title: 'Dropout',
  doc: {
    summary: 'Zeroes a share (the rate) of the values while training, and scales the rest up; does nothing at inference.',
    shape: 'unchanged',
    params: 'none',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) => problems(inRange('rate', p.rate, 0, 1, false)),
  outputShape: (_p, [input]) => ({ shape: input! }),
};
