import { problems, wholeAtLeast } from '../settings.ts';
import type { BlockSpec } from './spec.ts';

export const input: BlockSpec<'input'> = {
  title: 'Input',
  doc: {
    summary: 'The image fed to the network.',
    shape: 'H×W×C as set',
    params: 'none',
  },
  inputs: { min: 0, max: 0 },
  checkParams: (p) =>
    problems(
      wholeAtLeast('height', p.height, 1),
      wholeAtLeast('width', p.width, 1),
      wholeAtLeast('channels', p.channels, 1),
    ),
  outputShape: (p) => ({ shape: [p.height, p.width, p.channels] }),
};

export const output: BlockSpec<'output'> = {
  title: 'Output',
  doc: {
    summary: 'The class scores; softmax turns them into probabilities.',
    shape: 'its input, a flat vector of classes',
    params: 'none',
  },
  inputs: { min: 1, max: 1 },
  checkParams: () => [],
  outputShape: (_p, [shape], upstream) =>
    shape!.length === 1
      ? { shape: shape! }
      : { code: 'needs-flat-input', error: upstream.mapInputMessage('the output needs a flat vector of class scores', shape!) },
};
