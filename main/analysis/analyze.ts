/**
 * The analysis behind every counter in the studio: output shape, parameters, MACs, receptive
 * field and activation size per block and in total, plus diagnostics keyed by node. It never
 * throws; a broken block stops the analysis only downstream of itself.
 */
import type { GraphDocument, GraphNode } from '../graph/types.ts';
import { BLOCKS, type BlockSpec } from './blocks/index.ts';
import type { Upstream } from './blocks/spec.ts';
import { coverageWithin } from './coverage.ts';
import { PIXEL_FIELD } from './receptive-field.ts';
import { sizeProblem } from './size-limits.ts';
import { buildTopology, type Topology } from './topology.ts';
import { upstreamOf } from './upstream.ts';
import type { Diagnostic, GraphAnalysis, NodeAnalysis, ParamCount, ReceptiveField, Shape } from './types.ts';

const BYTES_PER_VALUE = 4;

export function analyzeGraph(graph: GraphDocument): GraphAnalysis {
  const topology = buildTopology(graph);
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, message: string, nodeId?: string) =>
    diagnostics.push(nodeId === undefined ? { severity: 'error', code, message } : { severity: 'error', code, message, nodeId });

  // Keyed by node id, and an id may be "__proto__": with Object's prototype that key would set
  // the prototype instead of adding the block.
  const nodes: Record<string, NodeAnalysis> = Object.create(null) as Record<string, NodeAnalysis>;
  const settingsOk = new Set<string>();
  for (const node of graph.nodes) {
    nodes[node.id] = emptyAnalysis(node);
    const problems = spec(node).checkParams(node.params as never);
    for (const message of problems) report('invalid-setting', message, node.id);
    if (problems.length === 0) settingsOk.add(node.id);
  }

  const [input, output] = checkEnds(graph, topology, report);
  for (const id of topology.cyclic) {
    report('cycle', 'this block is part of a cycle; data must flow one way, from the input to the output', id);
  }

  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const id of topology.order) {
    const node = byId.get(id)!;
    if (!checkArity(node, topology, report) || !settingsOk.has(id)) continue;
    const sources = topology.incoming.get(id)!;
    analyseNode(node, sources, nodes, upstreamOf(sources, byId, topology.incoming, nodes), report);
  }
  if (output) reportDetached(graph, topology, output.id, report);

  const totals = { params: { trainable: 0, nonTrainable: 0, total: 0 }, macs: 0, activations: 0, activationBytes: 0, unresolved: [] as string[] };
  for (const node of graph.nodes) if (nodes[node.id]!.outputShape === null) totals.unresolved.push(node.id);
  for (const id of topology.order) {
    const result = nodes[id]!;
    totals.params.trainable += result.params.trainable;
    totals.params.nonTrainable += result.params.nonTrainable;
    totals.macs += result.macs;
    totals.activations += result.activations;
  }
  totals.params.total = totals.params.trainable + totals.params.nonTrainable;
  totals.activationBytes = totals.activations * BYTES_PER_VALUE;

  const outputResult = output ? nodes[output.id]! : undefined;
  const analysis: GraphAnalysis = {
    nodes,
    order: completeOrder(graph, topology.order),
    totals,
    inputShape: input ? nodes[input.id]!.outputShape : null,
    outputShape: outputResult?.outputShape ?? null,
    receptiveField: outputResult?.receptiveField ?? null,
    coverage: null,
    diagnostics,
    valid: !diagnostics.some((d) => d.severity === 'error'),
  };
  if (output && outputResult?.outputShape) analysis.coverage = coverageWithin({ byId, sources: topology.incoming }, analysis, output.id);
  return analysis;
}

/** The evaluation order, then whatever a cycle kept out of it, in document order. */
function completeOrder(graph: GraphDocument, order: string[]): string[] {
  if (order.length === graph.nodes.length) return order;
  const seen = new Set(order);
  return [...order, ...graph.nodes.map((n) => n.id).filter((id) => !seen.has(id))];
}

type Report = (code: string, message: string, nodeId?: string) => void;

function spec(node: GraphNode): BlockSpec<GraphNode['type']> {
  return BLOCKS[node.type] as BlockSpec<GraphNode['type']>;
}

function emptyAnalysis(node: GraphNode): NodeAnalysis {
  return {
    id: node.id,
    type: node.type,
    inputShapes: [],
    outputShape: null,
    params: { trainable: 0, nonTrainable: 0 },
    macs: 0,
    receptiveField: null,
    activations: 0,
  };
}

/** Exactly one Input and one Output block, each used the right way round. */
function checkEnds(graph: GraphDocument, topology: Topology, report: Report): [GraphNode | undefined, GraphNode | undefined] {
  const inputs = graph.nodes.filter((n) => n.type === 'input');
  const outputs = graph.nodes.filter((n) => n.type === 'output');
  if (inputs.length === 0) report('no-input', 'the graph has no Input block');
  if (outputs.length === 0) report('no-output', 'the graph has no Output block; end the network with one');
  for (const extra of inputs.slice(1)) report('multiple-inputs', 'only one Input block per graph is supported', extra.id);
  for (const extra of outputs.slice(1)) report('multiple-outputs', 'only one Output block per graph is supported', extra.id);
  for (const out of outputs) {
    if (topology.outgoing.get(out.id)!.length > 0) report('after-output', 'nothing may follow the Output block', out.id);
  }
  return [inputs[0], outputs[0]];
}

function checkArity(node: GraphNode, topology: Topology, report: Report): boolean {
  const block = spec(node);
  const { min, max } = block.inputs;
  const title = block.title;
  const count = topology.incoming.get(node.id)!.length;
  if (count >= min && count <= max) return true;
  if (max === 0) report('input-has-inputs', 'an Input block takes no inputs', node.id);
  else if (count === 0) report('unconnected', "nothing is connected to this block's input", node.id);
  else if (count < min) report('too-few-inputs', `${title} joins at least ${min} inputs but has ${count}`, node.id);
  else report('too-many-inputs', `${title} takes one input but ${count} blocks feed it; join them with Add or Concat first`, node.id);
  return false;
}

function analyseNode(node: GraphNode, sources: string[], nodes: Record<string, NodeAnalysis>, upstream: Upstream, report: Report): void {
  const result = nodes[node.id]!;
  const inputs: Shape[] = [];
  const fields: ReceptiveField[] = [];
  for (const source of sources) {
    const upstream = nodes[source]!;
    // Something upstream is broken and says so itself; say nothing more here.
    if (upstream.outputShape === null || upstream.receptiveField === null) return;
    inputs.push(upstream.outputShape);
    fields.push(upstream.receptiveField);
  }
  result.inputShapes = inputs;

  const block = spec(node);
  const params = node.params as never;
  const shaped = block.outputShape(params, inputs, upstream);
  if (!('shape' in shaped)) {
    report(shaped.code, shaped.error, node.id);
    return;
  }
  const shape = shaped.shape;
  result.outputShape = shape;
  result.params = frozen(node, block.params?.(params, inputs, shape) ?? { trainable: 0, nonTrainable: 0 });
  result.macs = block.macs?.(params, inputs, shape) ?? 0;
  result.receptiveField = node.type === 'input' ? PIXEL_FIELD : (block.receptiveField?.(params, inputs, fields) ?? fields[0]!);
  result.activations = shape.reduce((a, b) => a * b, 1);

  const tooLarge = sizeProblem(result);
  if (tooLarge) {
    report('too-large', tooLarge, node.id);
    // Counted as nothing, so the totals stay exact; what follows is not analysed.
    Object.assign(result, { ...emptyAnalysis(node), inputShapes: inputs });
  }
}

/** A frozen block (`trainable: false`) keeps every weight it has, none of them learned: all count as non-trainable. */
function frozen(node: GraphNode, params: ParamCount): ParamCount {
  return node.trainable === false ? { trainable: 0, nonTrainable: params.trainable + params.nonTrainable } : params;
}

/** Blocks that have inputs but never reach the Output would silently drop out of the model. */
function reportDetached(graph: GraphDocument, topology: Topology, outputId: string, report: Report): void {
  const reaches = new Set<string>([outputId]);
  const stack = [outputId];
  while (stack.length > 0) {
    for (const source of topology.incoming.get(stack.pop()!)!) {
      if (!reaches.has(source)) {
        reaches.add(source);
        stack.push(source);
      }
    }
  }
  for (const node of graph.nodes) {
    if (reaches.has(node.id) || topology.cyclic.has(node.id)) continue;
    if (node.type !== 'input' && topology.incoming.get(node.id)!.length === 0) continue; // already "unconnected"
    report('detached', "this block's output leads nowhere; connect it towards the Output block or delete it", node.id);
  }
}
