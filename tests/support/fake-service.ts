/** A stand-in for the engine behind the API contract, recording what reached it. */
import type { StudioCalls } from '../../main/api/contract.ts';
import { StudioError } from '../../main/errors.ts';

export function fakeService(): StudioCalls & { received: [string, unknown[]][] } {
  const received: [string, unknown[]][] = [];
  const record = <T>(name: string, args: unknown[], result: T) => {
    received.push([name, args]);
    return Promise.resolve(result);
  };
  return {
    received,
    hostInfo: () => record('hostInfo', [], { kind: 'browser', workspace: '/tmp/ws', cores: 4 }),
    listPresets: () => record('listPresets', [], [{ id: 'journey/round-10', group: 'journey', name: 'Round 10', description: '', trainableParams: 9896, macs: 1_097_744, layers: ['input', 'conv2d', 'output'] }]),
    loadPreset: (id) => (id === 'journey/missing' ? Promise.reject(new StudioError('the preset journey/missing does not exist')) : record('loadPreset', [id], { format: 'cnn-studio/graph', version: 2, nodes: [], edges: [] })),
    listFiles: (kind) => record('listFiles', [kind], []),
    chooseFile: (...args) => record('chooseFile', args, null),
    openGraph: (path) => record('openGraph', [path], { path, graph: { format: 'cnn-studio/graph', version: 2, nodes: [], edges: [] }, imported: null }),
    saveGraph: (path, graph) => record('saveGraph', [path, graph], { path }),
    recentFiles: () => record('recentFiles', [], ['/a.json']),
    findBackup: (path) => record('findBackup', [path], null),
    openBackup: (path) => Promise.reject(new StudioError(`${path} has no backup`)),
    saveRecovery: (graph, path) => record('saveRecovery', [graph, path], undefined),
    readRecovery: () => record('readRecovery', [], null),
    clearRecovery: () => record('clearRecovery', [], undefined),
    listBackends: () => record('listBackends', [], []),
    previewDataset: (name) => Promise.reject(new StudioError(`unknown dataset "${name}"`)),
    startTraining: (request) => record('startTraining', [request], { runId: 'run-1' }),
    resumeTraining: (request) => record('resumeTraining', [request], { runId: 'run-2' }),
    stopTraining: (runId) => record('stopTraining', [runId], undefined),
    activeRuns: () => record('activeRuns', [], []),
    listRuns: () => record('listRuns', [], { runs: [], skipped: [] }),
    runDetails: (id) => Promise.reject(new StudioError(`there is no run "${id}"`)),
    renameRun: (id, name) => record('renameRun', [id, name], undefined),
    setRunNote: (id, note) => record('setRunNote', [id, note], undefined),
    deleteRun: (id) => record('deleteRun', [id], undefined),
    evaluateRun: (id) => Promise.reject(new StudioError(`there is no run "${id}"`)),
    featureMaps: (id) => Promise.reject(new StudioError(`there is no run "${id}"`)),
    exportDesign: (path, format, graph) => record('exportDesign', [path, format, graph], { path }),
    exportRunModel: (id, folder) => record('exportRunModel', [id, folder], { files: [] }),
  };
}
