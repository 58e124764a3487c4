/** One short line per block saying what its settings are, for tables and node cards. */
import type { GraphNode } from '../graph/types.ts';
import { BLOCKS } from './blocks/index.ts';
import { formatPair } from './format.ts';

export function blockTitle(node: GraphNode): string {
  return BLOCKS[node.type].title;
}

/** E.g. `3×3, 8 filters, no bias`; a frozen block ends in `frozen`. */
export function describeSettings(node: GraphNode): string {
  const settings = describeParams(node);
  if (node.trainable !== false) return settings;
  return settings ? `${settings}, frozen` : 'frozen';
}

function describeParams(node: GraphNode): string {
  switch (node.type) {
    case 'input':
      return `${node.params.height}×${node.params.width}×${node.params.channels}`;
    case 'conv2d':
    case 'depthwiseConv2d': {
      const p = node.params;
      const parts = [
        node.type === 'conv2d'
          ? `${formatPair(p.kernelSize)}, ${node.params.filters} filters`
          : `${formatPair(p.kernelSize)}${node.params.depthMultiplier > 1 ? `, ×${node.params.depthMultiplier}` : ''}`,
      ];
      if (p.strides.some((s) => s !== 1)) parts.push(`stride ${formatPair(p.strides)}`);
      if (p.padding !== 'valid') parts.push(typeof p.padding === 'string' ? p.padding : `pad ${p.padding.join(',')}`);
      if (p.dilation.some((d) => d !== 1)) parts.push(`dilation ${formatPair(p.dilation)}`);
      if (!p.useBias) parts.push('no bias');
      return parts.join(', ');
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = node.params;
      const strides = p.strides ?? p.poolSize;
      const parts = [formatPair(p.poolSize)];
      if (strides[0] !== p.poolSize[0] || strides[1] !== p.poolSize[1]) parts.push(`stride ${formatPair(strides)}`);
      if (p.padding === 'same') parts.push('same');
      return parts.join(', ');
    }
    case 'activation':
      return node.params.function === 'leakyRelu' ? `leakyRelu ${node.params.alpha}` : node.params.function;
    case 'batchNorm': {
      const off = [node.params.scale === false ? 'no scale' : '', node.params.center === false ? 'no shift' : ''];
      return off.filter(Boolean).join(', ');
    }
    case 'dropout':
      return `rate ${node.params.rate}`;
    case 'globalAvgPool':
      return node.params.keepDims ? 'keep 1×1' : '';
    case 'dense':
      return `${node.params.units}${node.params.useBias ? '' : ', no bias'}`;
    case 'output':
      return node.params.activation === 'softmax' ? 'softmax' : 'logits';
    default:
      return '';
  }
}
