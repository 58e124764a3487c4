/**
 * Operator groups that are one block in the studio, found before the nodes are mapped one by one:
 *
 *   x · Sigmoid(x)                                   swish (PyTorch's SiLU)
 *   x · Tanh(Softplus(x))                            mish
 *   x · (1 + Erf(x / √2)) · 0.5, in any grouping     gelu (PyTorch's GELU, the studio's own export)
 *   Add(MatMul(x, W), b)                             dense with bias (MatMul alone: without)
 *
 * Each group is replaced by one node of the studio's own domain, named after the group's last
 * node (where PyTorch and the studio's exporter put the block's name), provided that the values
 * inside the group are used by nothing else.
 */
import type { OnnxNode } from '../onnx/model.ts';
import type { Constants } from './onnx-constants.ts';

/** The domain of the nodes made here. */
export const STUDIO_DOMAIN = 'cnn-studio';

export function fusePatterns(nodes: readonly OnnxNode[], constants: Constants, graphOutputs: readonly string[]): OnnxNode[] {
  const producers = new Map<string, OnnxNode>();
  const uses = new Map<string, number>();
  for (const node of nodes) {
    for (const output of node.outputs) producers.set(output, node);
    for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  for (const output of graphOutputs) uses.set(output, (uses.get(output) ?? 0) + 1);

  const removed = new Set<OnnxNode>();
  const replaced = new Map<OnnxNode, OnnxNode>();
  /** The node producing `value` when it has that op type and `value` is used only once. */
  const inner = (value: string | undefined, opType: string): OnnxNode | undefined => {
    const node = value === undefined ? undefined : producers.get(value);
    return node && node.opType === opType && uses.get(value!) === 1 && !removed.has(node) && !replaced.has(node) ? node : undefined;
  };
  const near = (value: string | undefined, wanted: number) => {
    const scalar = value === undefined ? undefined : constants.scalar(value);
    return scalar !== undefined && Math.abs(scalar - wanted) <= 1e-6 * Math.max(1, Math.abs(wanted));
  };
  const fuse = (last: OnnxNode, group: OnnxNode[], opType: string, inputs: string[]) => {
    for (const node of group) removed.add(node);
    replaced.set(last, { name: last.name, opType, domain: STUDIO_DOMAIN, inputs, outputs: [last.outputs[0]!], attributes: {} });
  };
  /** The two inputs of a binary node, the one matching `test` first. */
  const sides = (node: OnnxNode, test: (value: string, other: string) => boolean): [string, string] | undefined => {
    const [a, b] = node.inputs as [string, string];
    if (node.inputs.length !== 2) return undefined;
    if (test(a, b)) return [a, b];
    if (test(b, a)) return [b, a];
    return undefined;
  };

  for (const node of nodes) {
    if (removed.has(node) || replaced.has(node)) continue;
    if (node.opType === 'Mul') {
      // swish: x · Sigmoid(x)
      const swish = sides(node, (s, x) => inner(s, 'Sigmoid')?.inputs[0] === x);
      if (swish) {
        fuse(node, [producers.get(swish[0])!], 'Swish', [swish[1]]);
        continue;
      }
      // mish: x · Tanh(Softplus(x))
      const mish = sides(node, (t, x) => inner(inner(t, 'Tanh')?.inputs[0], 'Softplus')?.inputs[0] === x);
      if (mish) {
        const tanh = producers.get(mish[0])!;
        fuse(node, [tanh, producers.get(tanh.inputs[0]!)!], 'Mish', [mish[1]]);
        continue;
      }
      const gelu = geluGroup(node);
      if (gelu) fuse(node, gelu.group, 'Gelu', [gelu.x]);
      continue;
    }
    if (node.opType === 'Add') {
      const dense = sides(node, (m, b) => {
        const matmul = inner(m, 'MatMul');
        return matmul !== undefined && constants.tensor(matmul.inputs[1]!) !== undefined && constants.tensor(b) !== undefined;
      });
      if (dense) {
        const matmul = producers.get(dense[0])!;
        fuse(node, [matmul], 'Dense', [matmul.inputs[0]!, matmul.inputs[1]!, dense[1]]);
      }
    }
  }

  /**
   * The GELU group ending in `last` (a Mul): its input x and the nodes inside. The core is
   * s = Add(Erf(Div(x, √2) or Mul(x, 1/√2)), 1); then x·s·0.5 in one of three groupings.
   */
  function geluGroup(last: OnnxNode): { x: string; group: OnnxNode[] } | undefined {
    const core = (value: string | undefined): { x: string; nodes: OnnxNode[] } | undefined => {
      const add = inner(value, 'Add');
      if (!add) return undefined;
      const erfSide = sides(add, (e, one) => inner(e, 'Erf') !== undefined && near(one, 1));
      if (!erfSide) return undefined;
      const erf = producers.get(erfSide[0])!;
      const scale = inner(erf.inputs[0], 'Div') ?? inner(erf.inputs[0], 'Mul');
      if (!scale) return undefined;
      const [x, c] = scale.inputs as [string, string];
      const ok = scale.opType === 'Div' ? near(c, Math.SQRT2) : near(c, Math.SQRT1_2);
      return ok ? { x, nodes: [add, erf, scale] } : undefined;
    };
    // (x · s) · 0.5 — PyTorch's order
    const outer = sides(last, (m, half) => inner(m, 'Mul') !== undefined && near(half, 0.5));
    if (outer) {
      const mul = producers.get(outer[0])!;
      const pair = sides(mul, (s) => core(s) !== undefined);
      const found = pair ? core(pair[0]) : undefined;
      if (found && found.x === pair![1]) return { x: found.x, group: [mul, ...found.nodes] };
    }
    // (x · 0.5) · s — the studio's order — or x · (s · 0.5)
    for (const [a, b] of [last.inputs, [...last.inputs].reverse()] as [string, string][]) {
      const found = core(b);
      const half = inner(a, 'Mul');
      if (found && half && sides(half, (x, h) => x === found.x && near(h, 0.5))) return { x: found.x, group: [half, ...found.nodes] };
      const scaled = inner(b, 'Mul');
      const pair = scaled ? sides(scaled, (s, h) => core(s) !== undefined && near(h, 0.5)) : undefined;
      const inside = pair ? core(pair[0]) : undefined;
      if (inside && inside.x === a) return { x: a, group: [scaled!, ...inside.nodes] };
    }
    return undefined;
  }

  return nodes.filter((node) => !removed.has(node)).map((node) => replaced.get(node) ?? node);
}
