/**
 * What each counter in the header counts, with its formula: the tooltips of the counters bar.
 * The formulas are those of the analysis (main/analysis/blocks, receptive-field.ts, budgets.ts).
 */
import { formatPair } from '../../../main/analysis/format.ts';
import type { ReceptiveField } from '../../../main/analysis/types.ts';
import type { TooltipContent } from './tooltip.ts';

export const TRAINABLE_TIP: TooltipContent = {
  title: 'Trainable parameters',
  lines: [
    'Learned by the optimizer; what PyTorch’s torchsummary reports.',
    'Each block’s “p” is its trainable parameters, and they add up to this; shares are of this total.',
    'Conv2d: k_h·k_w·C_in·F (+ F with bias). Dense: in·units (+ units). BatchNorm: 2·C (γ, β).',
  ],
};

export const NON_TRAINABLE_TIP: TooltipContent = {
  title: 'Non-trainable parameters',
  lines: [
    'Stored with the model but not learned: BatchNorm’s moving mean and variance, 2·C per BatchNorm, and the weights of frozen blocks.',
    'A block shows them as “nt”, apart from its “p”. Keras’ total is trainable + non-trainable.',
  ],
};

export const MACS_TIP: TooltipContent = {
  title: 'MACs per image',
  lines: [
    'Multiply-accumulates for one image.',
    'Conv2d: H_out·W_out·F·k_h·k_w·C_in. DepthwiseConv2d: H_out·W_out·C_out·k_h·k_w. Dense: in·units.',
    'Biases, pooling, BatchNorm, activations and merges count nothing.',
  ],
};

export function receptiveFieldTip(field: ReceptiveField | null): TooltipContent {
  const [size, jump, start] = field ? [formatPair(field.size), formatPair(field.jump), formatPair(field.start)] : ['?', '?', '?'];
  return {
    title: `Receptive field: RF ${size}, jump ${jump}, start ${start}`,
    lines: [
      `RF ${size}: one unit at the Output sees ${size} input pixels (height×width).`,
      `Jump ${jump}: neighbouring units are that many input pixels apart (the effective stride).`,
      `Start ${start}: where unit (0, 0)'s field begins; negative when it reaches into the padding.`,
      'Through a window of span s = d·(k − 1) + 1, stride t, padding p: RF += (s − 1)·jump; jump ·= t; start −= p·jump (Araujo et al., Distill 2019).',
    ],
  };
}

export const PEAK_TIP: TooltipContent = {
  title: 'Peak activation memory per image',
  lines: [
    'The most block outputs held at once in one forward pass of one image, float32 (4 bytes a value).',
    'Each output is kept until the last block that reads it has run; a block’s inputs and output are held together.',
  ],
};

export const WEIGHTS_TIP: TooltipContent = {
  title: 'Weight size',
  lines: ['Every weight, trainable and non-trainable, at 4 bytes each (float32); after int8 quantisation, 1 byte each.'],
};

export function partialTip(unresolved: readonly string[]): TooltipContent {
  const shown = unresolved.slice(0, 6).join(', ');
  return {
    title: 'Partial totals',
    lines: [
      `${unresolved.length} block${unresolved.length === 1 ? ' is' : 's are'} not resolved (${shown}${unresolved.length > 6 ? ', …' : ''}): a problem at or before ${unresolved.length === 1 ? 'it' : 'them'} leaves ${unresolved.length === 1 ? 'its' : 'their'} share out.`,
      'The figures are lower bounds until the problems are fixed.',
    ],
  };
}
