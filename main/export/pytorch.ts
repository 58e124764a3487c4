/**
 * Exporting a graph as a PyTorch `nn.Module` source file: the layers in `__init__` in evaluation
 * order, named after the node ids, and `forward` wiring the graph (Add → `a + b`, Concat →
 * `torch.cat([...], dim=1)`). Running the file builds the model, checks its trainable parameter
 * count against the studio's and pushes a zero batch through it. Layer by layer conversions are in
 * pytorch-layers.ts, padding in pytorch-padding.ts.
 */
import type { GraphAnalysis } from '../analysis/types.ts';
import type { GraphDocument } from '../graph/types.ts';
import { channelsFirst, planExport, type PlannedNode } from './export-plan.ts';
import { checkedClassName, docstringOpening, grouped, oneLine, pythonClassName, pyTuple } from './python-names.ts';
import { torchStep } from './pytorch-layers.ts';

export interface PyTorchExportOptions {
  /** The model class name; by default from the graph's name (`JourneyRound1PlainSetUp`), else `Net`. */
  className?: string;
}

const INDENT = '    ';

/** The PyTorch source; throws GraphNotExportableError when the analysis reports an error. */
export function exportPyTorch(graph: GraphDocument, analysis?: GraphAnalysis, options: PyTorchExportOptions = {}): string {
  const plan = planExport(graph, analysis, { target: 'PyTorch' });
  const className = options.className === undefined ? pythonClassName(graph.name) : checkedClassName(options.className);
  const trainable = plan.analysis.totals.params.trainable;
  const input = plan.steps.find((s) => s.node.type === 'input')!;
  const output = plan.steps.find((s) => s.node.type === 'output')!;
  const softmax = output.node.type === 'output' && output.node.params.activation === 'softmax';
  const inputShape = channelsFirst(input.outputShape);
  const classes = output.outputShape[0]!;

  const init: string[] = [];
  const forward: string[] = [];
  /** Frozen BatchNorm layers, kept in inference mode by `train()` as Keras keeps them. */
  const frozenNorms: string[] = [];
  if (input.variable !== 'x') forward.push(`${input.variable} = x`);
  for (const step of plan.steps) {
    if (step.node.type === 'input') continue;
    if (step.node.type === 'output') {
      forward.push(...outputLines(step, softmax));
      continue;
    }
    const torch = torchStep(step, plan.namer);
    init.push(...torch.init);
    if (step.node.trainable === false && WEIGHTED.has(step.node.type)) {
      init.push(`self.${step.name}.requires_grad_(False)  # frozen (trainable: false)`);
      if (step.node.type === 'batchNorm') frozenNorms.push(step.name);
    }
    forward.push(...torch.notes, `${step.variable} = ${torch.expression}`);
  }

  return [
    ...docstringOpening(graph),
    'Exported from CNN Studio as a PyTorch model. PyTorch is channels first:',
    `the input is (N, ${inputShape.join(', ')}) (channels, height, width); the output is (N, ${classes}),`,
    softmax ? 'log-probabilities (train with nn.NLLLoss).' : 'logits (train with nn.CrossEntropyLoss).',
    `Trainable parameters: ${grouped(trainable)}, as CNN Studio counts them (and torchsummary).`,
    '"""',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `EXPECTED_TRAINABLE_PARAMS = ${trainable}`,
    `INPUT_SHAPE = ${pyTuple(inputShape)}  # channels, height, width`,
    `NUM_CLASSES = ${classes}`,
    '',
    '',
    `class ${className}(nn.Module):`,
    indent(1, `"""${oneLine(graph.name || 'CNN Studio model')}: ${grouped(trainable)} trainable parameters."""`),
    '',
    indent(1, 'def __init__(self):'),
    indent(2, 'super().__init__()'),
    ...init.map((line) => indent(2, line)),
    '',
    ...trainOverride(frozenNorms).map((line) => (line === '' ? '' : indent(1, line))),
    indent(1, 'def forward(self, x):'),
    ...forward.map((line) => indent(2, line)),
    '',
    '',
    'if __name__ == "__main__":',
    ...mainBlock(className).map((line) => indent(1, line)),
    '',
  ].join('\n');
}

/** Blocks with weights, whose parameters a freeze turns off. */
const WEIGHTED = new Set(['conv2d', 'depthwiseConv2d', 'batchNorm', 'dense']);

/**
 * A frozen BatchNorm normalises with its running statistics and never updates them, as Keras runs
 * a BatchNormalization with trainable=False; in PyTorch that is eval mode, kept through
 * `model.train()`.
 */
function trainOverride(norms: string[]): string[] {
  if (norms.length === 0) return [];
  return [
    'def train(self, mode=True):',
    `${INDENT}super().train(mode)`,
    `${INDENT}# Frozen BatchNorm layers keep their running statistics, as Keras does (trainable=False).`,
    ...norms.map((name) => `${INDENT}self.${name}.eval()`),
    `${INDENT}return self`,
    '',
  ];
}

function outputLines(step: PlannedNode, softmax: boolean): string[] {
  const [x] = step.inputs as [string];
  return softmax
    ? [
        "# The studio's softmax output, as log-probabilities: train with nn.NLLLoss",
        '# (or return the logits and use nn.CrossEntropyLoss); exp() gives the probabilities.',
        `return F.log_softmax(${x}, dim=1)`,
      ]
    : ['# Logits (the Output block has no softmax): train with nn.CrossEntropyLoss.', `return ${x}`];
}

function mainBlock(className: string): string[] {
  return [
    `model = ${className}()`,
    'print(model)',
    'trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)',
    'print(f"trainable parameters: {trainable:,}")',
    'assert trainable == EXPECTED_TRAINABLE_PARAMS, (',
    `${INDENT}f"expected {EXPECTED_TRAINABLE_PARAMS:,} trainable parameters, got {trainable:,}"`,
    ')',
    'model.eval()',
    'with torch.no_grad():',
    `${INDENT}out = model(torch.zeros(2, *INPUT_SHAPE))`,
    'assert tuple(out.shape) == (2, NUM_CLASSES), f"unexpected output shape {tuple(out.shape)}"',
    'print(f"output shape: {tuple(out.shape)}")',
  ];
}

function indent(level: number, line: string): string {
  return line === '' ? '' : INDENT.repeat(level) + line;
}
