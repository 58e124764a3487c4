/**
 * The feature maps of every convolution for one input image: a second model over the same layers
 * whose outputs are the convolutions' outputs, run once.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze.ts';
import { layerNames } from '../compile/layer-names.ts';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import type { GraphDocument } from '../graph/types.ts';
import type { FeatureMapLayer } from './types.ts';

export async function featureMapsOf(tf: TensorFlow, model: tfjs.LayersModel, graph: GraphDocument, image: Float32Array, shape: [number, number, number]): Promise<FeatureMapLayer[]> {
  const analysis = analyzeGraph(graph);
  const names = layerNames(graph);
  const convs = analysis.order.filter((id) => {
    const type = analysis.nodes[id]!.type;
    return type === 'conv2d' || type === 'depthwiseConv2d';
  });
  if (convs.length === 0) return [];
  const probe = tf.model({ inputs: model.inputs, outputs: convs.map((id) => model.getLayer(names.get(id)!).output as tfjs.SymbolicTensor) });
  const outputs = tf.tidy(() => {
    const result = probe.predict(tf.tensor4d(image, [1, ...shape]));
    return Array.isArray(result) ? result : [result];
  });
  try {
    return await Promise.all(
      convs.map(async (id, i) => {
        const node = analysis.nodes[id]!;
        const field = node.receptiveField!;
        return {
          nodeId: id,
          shape: node.outputShape as [number, number, number],
          values: Array.from(await outputs[i]!.data()),
          receptiveField: { size: [...field.size], jump: [...field.jump], start: [...field.start] } as FeatureMapLayer['receptiveField'],
        };
      }),
    );
  } finally {
    for (const output of outputs) output.dispose();
  }
}
