/**
 * A model's training step on the wasm backend as a fixed program: the layers' forward passes in
 * order, the cross-entropy loss, and the backward passes in reverse, each a direct kernel call
 * (layer-ops.ts, kernel-calls.ts). The same kernels as the layers' own training path through
 * TensorFlow.js, without what surrounds them there: the gradient tape, a Tensor object and a
 * scope entry per op, tfjs-layers' per-layer checks, the loss's dozen small kernels. That
 * bookkeeping was a fixed ~5 ms of CPU per step on round 10 (measured: 5.8 ms at batch 1), as
 * much as the arithmetic of 20 images, and a data-parallel replica pays it on every slice.
 *
 * The loss is softmax cross-entropy, over the model's softmax output or over its logits:
 *   p = softmax(z),  loss = −Σ_c y_c·ln p_c (p clipped to [1e-7, 1 − 1e-7] for a softmax output,
 *   as tfjs-layers' categoricalCrossentropy does),  ∂loss/∂z = p·Σ_c y_c − y
 * computed in JavaScript over the [batch, classes] scores (a few hundred values). TensorFlow.js
 * gets the same gradient through the softmax's Jacobian, except for the rare score whose p the
 * clip cuts (it then passes no gradient there).
 *
 * `TrainingProgram.build` answers null when some layer is not one the program runs; the caller
 * then trains through TensorFlow.js.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { alloc, f32, type BackendWasm, type TensorFlow, type TensorInfo } from '../heap.ts';
import { KernelCalls } from './kernel-calls.ts';
import { layerOp, type LayerOp, type Weight, type WeightGradients } from './layer-ops.ts';
import { canFuseNorm, normBlockOp, type NormBlockLayers } from './norm-block-op.ts';

export interface ProgramLoss {
  /** The model ends in logits (no softmax), and the loss applies the softmax itself. */
  fromLogits: boolean;
}

export interface ProgramStep {
  /** One gradient per trainable weight, in model.trainableWeights order, in the wasm heap; the caller frees them. */
  grads: TensorInfo[];
  /** `share` × the mean loss over the images. */
  loss: number;
  /** Images whose highest score is their label's class (the first highest). */
  correct: number;
}

interface Step {
  op: LayerOp;
  inputs: number[];
  output: number;
  /** Which inputs need a gradient (they lead back to trainable weights). */
  wanted: boolean[];
}

interface LayerNode {
  inboundNodes: { inboundLayers: tfjs.layers.Layer[] }[];
  outputShape: tfjs.Shape | tfjs.Shape[];
}

interface LayerEntry {
  layer: tfjs.layers.Layer;
  inputs: number[];
  /** The value it makes. */
  id: number;
  inputShape: tfjs.Shape;
}

interface LayerFields {
  getClassName(): string;
  trainable: boolean;
  activation?: { getClassName(): string };
  axis?: number;
  center?: boolean;
  scale?: boolean;
  gamma?: Weight;
  beta?: Weight;
  movingMean?: Weight;
  movingVariance?: Weight;
  momentum?: number;
  epsilon?: number;
  rate?: number;
  noiseShape?: unknown;
  seed?: number;
}

const isRelu = (layer: tfjs.layers.Layer) => layer.getClassName() === 'Activation' && (layer as unknown as LayerFields).activation?.getClassName() === 'relu';

/**
 * The BatchNorm block (norm-block-op.ts) that starts at `entry`, if one does: [ReLU →] BatchNorm
 * [→ ReLU] [→ Dropout], each layer the only reader of the one before, over channels last.
 */
function normBlockAt(entry: LayerEntry, entries: LayerEntry[], lossInput: number): { members: LayerEntry[]; layers: NormBlockLayers; channels: number } | null {
  const readers = (id: number) => (id === lossInput ? [] : entries.filter((e) => e.inputs.includes(id)));
  const onlyReader = (member: LayerEntry) => {
    const found = readers(member.id);
    return found.length === 1 && found[0]!.inputs.length === 1 ? found[0]! : null;
  };
  const members: LayerEntry[] = [];
  let current: LayerEntry | null = entry;
  const pre = isRelu(entry.layer);
  if (pre) {
    members.push(entry);
    current = onlyReader(entry);
  }
  if (!current || current.layer.getClassName() !== 'BatchNormalization') return null;
  const bn = current.layer as unknown as LayerFields;
  const rank = current.inputShape.length;
  const axis = (bn.axis ?? -1) < 0 ? (bn.axis ?? -1) + rank : bn.axis!;
  if (!bn.trainable || axis !== rank - 1 || rank !== 4 || !bn.center || !bn.scale || !bn.gamma || !bn.beta || !bn.movingMean || !bn.movingVariance) return null;
  members.push(current);
  let next = onlyReader(current);
  const post = next !== null && isRelu(next.layer);
  if (post) {
    members.push(next!);
    next = onlyReader(next!);
  }
  const dropout = next?.layer.getClassName() === 'Dropout' ? (next.layer as unknown as LayerFields) : null;
  const drops = dropout !== null && dropout.noiseShape == null && dropout.rate! > 0 && dropout.rate! < 1;
  if (drops) members.push(next!);
  if (!pre && !post && !drops) return null; // a lone BatchNorm: its own op is as fast
  const channels = current.inputShape[rank - 1]!;
  return {
    members,
    channels,
    layers: {
      name: members.map((m) => m.layer.name).join('+'),
      pre,
      post,
      batchNorm: { gamma: bn.gamma, beta: bn.beta, movingMean: bn.movingMean, movingVariance: bn.movingVariance, momentum: bn.momentum!, epsilon: bn.epsilon! },
      dropout: drops ? (dropout as { rate: number; seed?: number }) : null,
    },
  };
}

const CLIP = 1e-7;

export class TrainingProgram {
  private constructor(
    private readonly calls: KernelCalls,
    private readonly steps: Step[],
    private readonly inputId: number,
    private readonly lossInput: number,
    private readonly loss: ProgramLoss,
    private readonly weights: Weight[],
  ) {}

  /** The program for `model` on the active wasm backend, or null when a layer is not covered. */
  static build(tf: TensorFlow, model: tfjs.LayersModel, loss: ProgramLoss): TrainingProgram | null {
    if (tf.getBackend() !== 'wasm' || model.inputs.length !== 1 || model.outputs.length !== 1) return null;
    const calls = new KernelCalls(tf, tf.backend() as unknown as BackendWasm);
    const ids = new Map<tfjs.layers.Layer, number>();
    const layers = model.layers;
    const output = model.outputLayers[0]!;
    // The output block: a softmax activation (or a linear one over logits) that the loss takes in.
    const outputClass = (output as unknown as { getClassName(): string; activation?: { getClassName(): string } });
    if (outputClass.getClassName() !== 'Activation' || outputClass.activation?.getClassName() !== (loss.fromLogits ? 'linear' : 'softmax')) return null;
    // The layers in order, each with the values it reads (by id) and the value it makes.
    const entries: LayerEntry[] = [];
    let lossInput = -1;
    let inputId = -1;
    for (const layer of layers) {
      const node = layer as unknown as LayerNode;
      if (node.inboundNodes.length !== 1) return null; // a layer used twice
      if (layer.getClassName() === 'InputLayer') {
        if (inputId >= 0) return null;
        inputId = ids.size;
        ids.set(layer, inputId);
        continue;
      }
      const inputs = node.inboundNodes[0]!.inboundLayers.map((l) => ids.get(l));
      if (inputs.length === 0 || inputs.some((id) => id === undefined)) return null;
      if (layer === output) {
        if (inputs.length !== 1) return null;
        lossInput = inputs[0]!;
        continue;
      }
      const id = ids.size;
      ids.set(layer, id);
      const inputShape = node.inboundNodes[0]!.inboundLayers[0]!.outputShape as tfjs.Shape;
      entries.push({ layer, inputs: inputs as number[], id, inputShape });
    }
    if (lossInput < 0 || inputId < 0) return null;

    const steps: Step[] = [];
    const wantsGradient = new Map<number, boolean>([[inputId, false]]);
    const push = (op: LayerOp, inputs: number[], output: number, trainable: boolean) => {
      const wanted = inputs.map((id) => wantsGradient.get(id)!);
      wantsGradient.set(output, trainable || wanted.some(Boolean));
      steps.push({ op, inputs, output, wanted });
    };
    const covered = new Set<number>();
    for (const entry of entries) {
      if (covered.has(entry.id)) continue;
      const block = normBlockAt(entry, entries, lossInput);
      if (block && canFuseNorm(calls, block.channels)) {
        for (const member of block.members) covered.add(member.id);
        const last = block.members.at(-1)!;
        push(normBlockOp(calls, block.layers, block.channels), entry.inputs, last.id, true);
        continue;
      }
      const op = layerOp(calls, entry.layer, entry.inputShape.length);
      if (!op) return null;
      push(op, entry.inputs, entry.id, entry.layer.trainableWeights.length > 0);
    }
    // Regularisers' penalties are TensorFlow.js's to add.
    if (tf.tidy(() => model.calculateLosses().length) > 0) return null;
    const weights = model.trainableWeights as unknown as Weight[];
    return new TrainingProgram(calls, steps, inputId, lossInput, loss, weights);
  }

  /**
   * When set, run() adds each op's forward and backward wall time here, in milliseconds, under
   * "forward <op>" and "backward <op>", and the loss's under "loss" (npm run bench -- --profile).
   */
  timings: Map<string, number> | null = null;

  private time<T>(key: string, work: () => T): T {
    if (!this.timings) return work();
    const start = performance.now();
    const result = work();
    this.timings.set(key, (this.timings.get(key) ?? 0) + performance.now() - start);
    return result;
  }

  /** The ops in order, by layer name; a fused block reads "relu1+bn1+dropout1". */
  get ops(): string[] {
    return this.steps.map((step) => step.op.layer);
  }

  /**
   * Forward and backward over images `x` ([b, h, w, c] in the wasm heap) with targets `labels`
   * (b × classes, one-hot or smoothed): gradients of `share` × the mean loss.
   */
  run(x: TensorInfo, labels: Float32Array, share: number): ProgramStep {
    const { calls, steps } = this;
    const values = new Map<number, TensorInfo>();
    const grads = new Map<number, TensorInfo>();
    const weightGrads: WeightGradients = new Map();
    let done = false;
    try {
      for (const step of steps) {
        const inputs = step.inputs.map((id) => (id === this.inputId ? x : values.get(id)!));
        values.set(step.output, this.time(`forward ${step.op.layer}`, () => step.op.forward(inputs)));
      }
      const scores = values.get(this.lossInput)!;
      const { loss, correct, gradient } = this.time('loss', () => this.crossEntropy(scores, labels, share));
      grads.set(this.lossInput, gradient);
      for (let i = steps.length - 1; i >= 0; i--) {
        const step = steps[i]!;
        const dy = grads.get(step.output);
        if (!dy) {
          step.op.clear();
          continue;
        }
        grads.delete(step.output);
        const dxs = this.time(`backward ${step.op.layer}`, () => step.op.backward(dy, step.wanted, weightGrads));
        calls.free(dy);
        dxs.forEach((dx, k) => {
          if (!dx) return;
          const id = step.inputs[k]!;
          const earlier = grads.get(id);
          if (!earlier) {
            grads.set(id, dx);
            return;
          }
          // A value read by several layers: its gradient is the sum of theirs.
          grads.set(id, calls.one('Add', { a: earlier, b: dx }));
          calls.free(earlier);
          calls.free(dx);
        });
      }
      const result = this.weights.map((w) => {
        const g = weightGrads.get(w);
        if (!g) throw new Error('a training program computed no gradient for a trainable weight');
        return g;
      });
      done = true;
      return { grads: result, loss, correct };
    } finally {
      for (const v of values.values()) calls.free(v);
      for (const g of grads.values()) calls.free(g);
      if (!done) {
        for (const step of steps) step.op.clear();
        for (const g of weightGrads.values()) calls.free(g);
      }
    }
  }

  /** Loss, correct count and ∂(share × mean loss)/∂scores (see the file comment). */
  private crossEntropy(scores: TensorInfo, labels: Float32Array, share: number): { loss: number; correct: number; gradient: TensorInfo } {
    const [rows, classes] = scores.shape as [number, number];
    const gradient = alloc(this.calls.backend, [rows, classes]);
    const z = f32(this.calls.backend, scores);
    const g = f32(this.calls.backend, gradient);
    const p = new Float64Array(classes);
    const factor = share / rows;
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      const at = i * classes;
      let best = 0;
      let label = 0;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) {
        const v = z[at + c]!;
        if (v > max) max = v;
        if (v > z[at + best]!) best = c;
        if (labels[at + c]! > labels[at + label]!) label = c;
      }
      if (best === label) correct++;
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(z[at + c]! - max);
      const logSum = Math.log(sum);
      let targets = 0;
      for (let c = 0; c < classes; c++) {
        const y = labels[at + c]!;
        targets += y;
        p[c] = p[c]! / sum;
        if (y === 0) continue;
        lossSum -= y * (this.loss.fromLogits ? z[at + c]! - max - logSum : Math.log(Math.min(Math.max(p[c]!, CLIP), 1 - CLIP)));
      }
      for (let c = 0; c < classes; c++) g[at + c] = (p[c]! * targets - labels[at + c]!) * factor;
    }
    return { loss: (share * lossSum) / rows, correct, gradient };
  }
}
