/**
 * What every code exporter needs before it writes a line: a graph the analysis accepts (or a
 * clear error), its blocks in evaluation order with their shapes, each block's inputs in edge
 * order (Concat's channel order), and the Python variable that holds each block's output.
 */
import { analyzeGraph } from '../analysis/analyze.ts';
import type { GraphAnalysis, Shape } from '../analysis/types.ts';
import { StudioError } from '../errors.ts';
import type { GraphDocument, GraphNode } from '../graph/types.ts';
import { pythonNames, PythonNamer } from './python-names.ts';

export class GraphNotExportableError extends StudioError {
  override name = 'GraphNotExportableError';
}

export interface PlannedNode {
  node: GraphNode;
  /** Python identifier from the node id: the layer attribute, or the variable when one is needed. */
  name: string;
  /** Shapes without the batch axis, channels last, as the analysis gives them. */
  inputShape: Shape;
  outputShape: Shape;
  /** Python variables holding this block's inputs, in edge order. */
  inputs: string[];
  /** The variable its output goes into: `x` along a chain, its own name where the value must wait. */
  variable: string;
}

export interface ExportPlan {
  analysis: GraphAnalysis;
  steps: PlannedNode[];
  /** Hands out further identifiers that clash with no node's (e.g. `conv1_pad`). */
  namer: PythonNamer;
}

export interface PlanOptions {
  /** What the graph is exported as, for the error message: "PyTorch", "Keras". */
  target: string;
  /** The Input block's variable; by default chained like any other block. */
  inputVariable?: string;
}

/** Throws GraphNotExportableError, naming each error, unless the analysis accepts the graph. */
export function planExport(graph: GraphDocument, given: GraphAnalysis | undefined, options: PlanOptions): ExportPlan {
  const analysis = given ?? analyzeGraph(graph);
  if (!analysis.valid) {
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    const list = errors.map((d) => (d.nodeId === undefined ? d.message : `${d.nodeId}: ${d.message}`)).join('; ');
    throw new GraphNotExportableError(
      `cannot export ${graph.name ? `"${graph.name}"` : 'the graph'} as ${options.target}: it has ${errors.length} error${errors.length === 1 ? '' : 's'} (${list})`,
    );
  }
  const namer = new PythonNamer();
  const names = pythonNames(graph, namer);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const sources = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  const consumers = new Map<string, Set<string>>(graph.nodes.map((node) => [node.id, new Set()]));
  for (const edge of graph.edges) {
    sources.get(edge.target)?.push(edge.source);
    consumers.get(edge.source)?.add(edge.target);
  }

  const order = analysis.order;
  const variables = new Map<string, string>();
  const steps = order.map((id, index): PlannedNode => {
    const node = byId.get(id)!;
    const info = analysis.nodes[id]!;
    const users = [...consumers.get(id)!];
    // A value used once, by the very next block, can travel in `x`; any other waits in its own
    // variable, and so does a branch's end, so that a merge lists its branches by name.
    const next = order[index + 1];
    const chained = next !== undefined && users.length === 1 && users[0] === next && sources.get(next)!.length === 1;
    const variable = node.type === 'input' && options.inputVariable ? options.inputVariable : chained ? 'x' : names.get(id)!;
    variables.set(id, variable);
    return {
      node,
      name: names.get(id)!,
      inputShape: info.inputShapes[0] ?? info.outputShape!,
      outputShape: info.outputShape!,
      inputs: sources.get(id)!.map((source) => variables.get(source)!),
      variable,
    };
  });
  return { analysis, steps, namer };
}

/** A shape in PyTorch's order, channels first: [28, 28, 1] → (1, 28, 28). */
export function channelsFirst(shape: Shape): Shape {
  return shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : shape;
}
