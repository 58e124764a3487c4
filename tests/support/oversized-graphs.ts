/** Documents at and past the loader's limits: chains of any length, parallel connections, settings of a billion. */

const HEADER = { format: 'cnn-studio/graph', version: 2 } as const;

/** Input → Flatten → `count − 3` ReLUs → Output: a valid chain of `count` blocks. */
export function chainDocument(count: number): Record<string, unknown> {
  const nodes: Record<string, unknown>[] = [{ id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } }, { id: 'flat', type: 'flatten' }];
  for (let i = 2; i < count - 1; i++) nodes.push({ id: `relu${i}`, type: 'activation' });
  nodes.push({ id: 'out', type: 'output' });
  const edges = nodes.slice(1).map((node, i) => ({ source: nodes[i]!.id, target: node.id }));
  return { ...HEADER, nodes, edges };
}

/** Input → Flatten, added to itself over `count − 2` parallel connections → Output: `count` connections in all. */
export function parallelEdgesDocument(count: number): Record<string, unknown> {
  const nodes = [
    { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 } },
    { id: 'flat', type: 'flatten' },
    { id: 'sum', type: 'add' },
    { id: 'out', type: 'output' },
  ];
  const parallel = Array.from({ length: count - 2 }, () => ({ source: 'flat', target: 'sum' }));
  const edges = [{ source: 'in', target: 'flat' }, ...parallel, { source: 'sum', target: 'out' }];
  return { ...HEADER, nodes, edges };
}

/** Input 28×28×1 → one block with these settings → Flatten → Output; the block's id is "b". */
export function oneBlockDocument(type: string, params: Record<string, unknown>, input: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...HEADER,
    nodes: [
      { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1, ...input } },
      { id: 'b', type, params },
      { id: 'f', type: 'flatten' },
      { id: 'out', type: 'output' },
    ],
    edges: [
      { source: 'in', target: 'b' },
      { source: 'b', target: 'f' },
      { source: 'f', target: 'out' },
    ],
  };
}

/** A setting of a billion, where it goes, and the limit the refusal must name. */
export const BILLION_SETTINGS: { case: string; type: string; params: Record<string, unknown>; input?: Record<string, unknown>; path: string; limit: string }[] = [
  { case: 'input height', type: 'activation', params: {}, input: { height: 1e9 }, path: 'nodes[0] ("in").params.height', limit: 'height must be at most 16,384' },
  { case: 'input width', type: 'activation', params: {}, input: { width: 1e9 }, path: 'nodes[0] ("in").params.width', limit: 'width must be at most 16,384' },
  { case: 'input channels', type: 'activation', params: {}, input: { channels: 1e9 }, path: 'nodes[0] ("in").params.channels', limit: 'channels must be at most 65,536' },
  { case: 'kernel size', type: 'conv2d', params: { filters: 8, kernelSize: 1e9 }, path: 'nodes[1] ("b").params.kernelSize', limit: 'kernel size must be at most 1,024' },
  { case: 'kernel width', type: 'conv2d', params: { filters: 8, kernelSize: [3, 1e9] }, path: 'nodes[1] ("b").params.kernelSize[1]', limit: 'kernel size must be at most 1,024' },
  { case: 'filters', type: 'conv2d', params: { filters: 1e9, kernelSize: 3 }, path: 'nodes[1] ("b").params.filters', limit: 'filters must be at most 65,536' },
  { case: 'stride', type: 'conv2d', params: { filters: 8, kernelSize: 3, strides: 1e9 }, path: 'nodes[1] ("b").params.strides', limit: 'stride must be at most 1,024' },
  { case: 'dilation', type: 'conv2d', params: { filters: 8, kernelSize: 3, dilation: 1e9 }, path: 'nodes[1] ("b").params.dilation', limit: 'dilation must be at most 1,024' },
  { case: 'padding', type: 'conv2d', params: { filters: 8, kernelSize: 3, padding: 1e9 }, path: 'nodes[1] ("b").params.padding', limit: 'padding must be at most 1,024' },
  { case: 'padding side', type: 'conv2d', params: { filters: 8, kernelSize: 3, padding: [0, 0, 0, 1e9] }, path: 'nodes[1] ("b").params.padding[3]', limit: 'padding must be at most 1,024' },
  { case: 'depth multiplier', type: 'depthwiseConv2d', params: { kernelSize: 3, depthMultiplier: 1e9 }, path: 'nodes[1] ("b").params.depthMultiplier', limit: 'depth multiplier must be at most 1,024' },
  { case: 'pool size', type: 'maxPool2d', params: { poolSize: 1e9 }, path: 'nodes[1] ("b").params.poolSize', limit: 'pool size must be at most 1,024' },
  { case: 'pool stride', type: 'avgPool2d', params: { strides: [2, 1e9] }, path: 'nodes[1] ("b").params.strides[1]', limit: 'stride must be at most 1,024' },
  { case: 'units', type: 'dense', params: { units: 1e9 }, path: 'nodes[1] ("b").params.units', limit: 'units must be at most 65,536' },
];
