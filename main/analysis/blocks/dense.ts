/** Flatten and Dense: the step from feature maps to class scores. */
import { wholeMapField } from '../receptive-field.ts';
import { problems, wholeAtLeast } from '../settings.ts';
import { isFeatureMap, type BlockSpec } from './spec.ts';

export const flatten: BlockSpec<'flatten'> = {
  title: 'Flatten',
  doc: {
    summary: 'Lays a feature map out as one vector, for Dense.',
    shape: 'H·W·C',
    params: 'none',
  },
  inputs: { min: 1, max: 1 },
  checkParams: () => [],
  outputShape: (_p, [input]) => ({ shape: [input!.reduce((a, b) => a * b, 1)] }),
  // A flat vector has no positions left: whatever follows may combine all of them.
  receptiveField: (_p, [input], [field]) => (isFeatureMap(input!) ? wholeMapField(field!, [input[0], input[1]]) : field!),
};

export const dense: BlockSpec<'dense'> = {
  title: 'Dense',
  doc: {
    summary: 'Fully connected: every output unit sees every input value.',
    shape: 'units',
    params: 'in·units (+ units with bias); MACs in·units',
  },
  inputs: { min: 1, max: 1 },
  checkParams: (p) => problems(wholeAtLeast('units', p.units, 1)),
  outputShape: (p, [input], upstream) =>
    input!.length === 1 ? { shape: [p.units] } : { code: 'needs-flat-input', error: upstream.mapInputMessage('Dense needs a flat vector', input!) },
  params: (p, [input]) => ({ trainable: input![0]! * p.units + (p.useBias ? p.units : 0), nonTrainable: 0 }),
  macs: (p, [input]) => input![0]! * p.units,
};
