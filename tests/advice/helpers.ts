/** Shared by the advice tests: journey presets with their analysis, epoch events, training settings. */
import { analyzeGraph } from '../../main/analysis/analyze.ts';
import type { GraphAnalysis } from '../../main/analysis/types.ts';
import { resolveAdviceOptions, type AdviceOptions } from '../../main/advice/options.ts';
import type { GraphRule, RunContext } from '../../main/advice/types.ts';
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../../main/graph/training-settings.ts';
import type { GraphDocument, GraphNode } from '../../main/graph/types.ts';
import type { EpochEvent } from '../../main/train/events.ts';
import { journeyPath, loadPreset } from '../support/presets.ts';

export { chainOf, graphOf } from '../support/graphs.ts';

export const ROUNDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function journeyRound(round: number): { graph: GraphDocument; analysis: GraphAnalysis } {
  const graph = loadPreset(journeyPath(round));
  return { graph, analysis: analyzeGraph(graph) };
}

/** Runs one graph rule the way adviseGraph does: on the graph's own analysis, with default options unless given. */
export function check(rule: GraphRule, graph: GraphDocument, options: Partial<AdviceOptions> = {}) {
  return rule(graph, analyzeGraph(graph), resolveAdviceOptions(options));
}

/** A copy of `graph` with `node` spliced into the edge from `after` to whatever `after` fed. */
export function insertAfter(graph: GraphDocument, after: string, node: GraphNode): GraphDocument {
  const copy = structuredClone(graph);
  const edge = copy.edges.find((e) => e.source === after)!;
  copy.nodes.push(node);
  copy.edges.push({ source: node.id, target: edge.target });
  edge.target = node.id;
  return copy;
}

/** One epoch's report; accuracies and losses as given, everything else plausible. */
export function epoch(n: number, values: Partial<EpochEvent> = {}): EpochEvent {
  return {
    type: 'epoch',
    epoch: n,
    trainLoss: 0.05,
    trainAccuracy: 0.99,
    cleanTrainLoss: null,
    cleanTrainAccuracy: null,
    validationLoss: null,
    validationAccuracy: null,
    testLoss: 0.04,
    testAccuracy: 0.99,
    learningRate: 0.01,
    seconds: 10,
    imagesPerSecond: 6000,
    selectedBy: 'test',
    bestEpoch: n,
    bestValidationAccuracy: null,
    bestTestAccuracy: values.testAccuracy ?? 0.99,
    tensors: 40,
    ...values,
  };
}

/** Epochs 1, 2, … from per-epoch train and test accuracies (fractions); losses fall steadily. */
export function runOf(train: number[], test: number[], extra: (i: number) => Partial<EpochEvent> = () => ({})): EpochEvent[] {
  return train.map((trainAccuracy, i) =>
    epoch(i + 1, { trainAccuracy, testAccuracy: test[i]!, trainLoss: 0.5 / (i + 1), testLoss: 0.4 / (i + 1), ...extra(i) }),
  );
}

export function settingsOf(input: TrainingSettingsInput = {}): TrainingSettings {
  return trainingSettingsSchema.parse(input);
}

export const OPTIONS = resolveAdviceOptions();

/** A run for the run rules: its epochs, settings (defaults unless given) and graph (round 7, which has no Dropout, unless given). */
export function runContext(epochs: EpochEvent[], settings: TrainingSettings = settingsOf(), graph: GraphDocument = journeyRound(7).graph): RunContext {
  return { epochs, settings, graph };
}
