/**
 * Calls as a renderer (or whatever sits in its place) might send them: real call names and made-up
 * ones, arguments of the right kind with nasty values (paths out of the workspace, run ids with
 * dots, mutated graphs, long text), arguments of any kind at all, and no argument list at all.
 */
import fc from 'fast-check';
import { CALL_NAMES, EXPORT_FORMATS, FILE_KINDS } from '../../../main/api/contract.ts';
import { graphMutation, mutateGraph } from './graph-mutations.ts';
import { nastyNumber, nastyString } from './json-mutations.ts';
import { anyOrCyclic } from './random-values.ts';
import { GRAPH_SEEDS } from './seed-documents.ts';

type ArgumentKind =
  | 'path' | 'pathOrNull' | 'graph' | 'presetId' | 'purpose' | 'name' | 'dataset' | 'training'
  | 'runId' | 'text' | 'model' | 'index' | 'format' | 'fileKind';

/** What each call takes; a call added to the contract later is fuzzed with argument lists of any kind. */
const ARGUMENTS: Record<string, ArgumentKind[]> = {
  loadPreset: ['presetId'],
  listFiles: ['fileKind'],
  chooseFile: ['purpose', 'fileKind', 'name'],
  openGraph: ['path'],
  saveGraph: ['path', 'graph'],
  findBackup: ['path'],
  openBackup: ['path'],
  saveRecovery: ['graph', 'pathOrNull'],
  previewDataset: ['dataset'],
  startTraining: ['training'],
  stopTraining: ['runId'],
  runDetails: ['runId'],
  renameRun: ['runId', 'text'],
  setRunNote: ['runId', 'text'],
  deleteRun: ['runId'],
  evaluateRun: ['runId', 'model'],
  featureMaps: ['runId', 'index'],
  exportDesign: ['path', 'format', 'graph'],
  exportRunModel: ['runId', 'path'],
};

/** A graph as the editor would send it, or mutated into any state. */
const graphArgument = fc.oneof(
  fc.nat({ max: GRAPH_SEEDS.length - 1 }).map((i) => GRAPH_SEEDS[i]),
  fc.tuple(fc.nat({ max: GRAPH_SEEDS.length - 1 }), fc.array(graphMutation, { minLength: 1, maxLength: 2 })).map(([i, list]) => mutateGraph(GRAPH_SEEDS[i], list).value),
);

function argumentOf(kind: ArgumentKind, outside: string): fc.Arbitrary<unknown> {
  const paths = fc.constantFrom('fuzz.json', 'fuzz', 'sub/fuzz.json', 'graph.json', '.', '..', '../outside/canary.json', `${outside}/canary.json`, '/etc/passwd', '../../etc/passwd', 'runs', '.state', 'x'.repeat(4_096), 'x'.repeat(4_097));
  const runIds = fc.constantFrom('run-1', 'run-2', 'missing', '.', '..', '...', 'a/b', '../outside', '_', 'x'.repeat(200), 'x'.repeat(201));
  switch (kind) {
    case 'path':
      return fc.oneof(paths, nastyString);
    case 'pathOrNull':
      return fc.oneof(paths, fc.constant(null));
    case 'graph':
      return graphArgument;
    case 'presetId':
      return fc.oneof(fc.constantFrom('journey/round-10', 'presets/lenet-5', 'journey/round-99', 'journey/../../etc/passwd', 'presets/'), nastyString);
    case 'purpose':
      return fc.constantFrom('open', 'save', 'delete');
    case 'name':
      return nastyString;
    case 'dataset':
      // Never plain "mnist": loading it takes seconds, and the dataset code is tested elsewhere.
      return fc.oneof(fc.constantFrom('idx:missing', 'images:missing?size=28x28', 'idx:../outside', 'images:/etc', 'cifar', ':', 'idx:'), nastyString.filter((name) => name !== 'mnist'));
    case 'training':
      return fc.record(
        {
          graph: graphArgument,
          settings: fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom('epochs', 'batchSize', 'dataset', 'learningRate', 'schedule', 'augment', 'limit'), fc.oneof(nastyNumber, nastyString, anyOrCyclic), { maxKeys: 3 })),
          backend: fc.constantFrom('auto', 'wasm', 'cpu', 'node', 'gpu'),
        },
        { requiredKeys: ['graph', 'settings', 'backend'] },
      );
    case 'runId':
      return fc.oneof(runIds, nastyString);
    case 'text':
      return nastyString;
    case 'model':
      return fc.constantFrom('best', 'last', 'worst');
    case 'index':
      return nastyNumber;
    case 'format':
      return fc.constantFrom(...EXPORT_FORMATS, 'onnx');
    case 'fileKind':
      return fc.constantFrom(...FILE_KINDS, 'onnx', '');
  }
}

/** A call name and its argument list, as they reach dispatchCall. */
export function studioCall(outside: string): fc.Arbitrary<[unknown, unknown]> {
  const known = fc.constantFrom(...CALL_NAMES).chain((name): fc.Arbitrary<[unknown, unknown]> => {
    const kinds = ARGUMENTS[name] ?? [];
    const right = fc.tuple(...kinds.map((kind) => fc.oneof({ weight: 4, arbitrary: argumentOf(kind, outside) }, { weight: 1, arbitrary: anyOrCyclic })));
    const args = fc.oneof(
      { weight: 6, arbitrary: right as fc.Arbitrary<unknown[]> },
      // One argument too few or too many.
      { weight: 1, arbitrary: right.map((list) => (list as unknown[]).slice(1)) },
      { weight: 1, arbitrary: fc.tuple(right, anyOrCyclic).map(([list, extra]) => [...(list as unknown[]), extra]) },
      { weight: 1, arbitrary: anyOrCyclic },
    );
    return args.map((list) => [name, list]);
  });
  const unknown = fc.tuple(fc.oneof(fc.constantFrom('dispose', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'), nastyString, anyOrCyclic), anyOrCyclic);
  return fc.oneof({ weight: 5, arbitrary: known }, { weight: 1, arbitrary: unknown });
}
