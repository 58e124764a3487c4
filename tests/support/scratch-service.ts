/**
 * A real engine over scratch folders whose training starts no process: each start request is only
 * recorded. For tests of what the service accepts, refuses and writes.
 */
import { join } from 'node:path';
import { createStudioService } from '../../main/api/studio-service.ts';
import type { startTrainingProcess } from '../../main/train/worker/controller.ts';
import { REPO } from './cli.ts';

export type StartRequest = Parameters<typeof startTrainingProcess>[0];

export interface ScratchFolders {
  workspace: string;
  runs: string;
  state: string;
}

export function serviceWithoutTraining(folders: ScratchFolders, kind: 'browser' | 'desktop' = 'browser') {
  const started: StartRequest[] = [];
  const service = createStudioService({
    kind,
    workspace: folders.workspace,
    runsRoot: folders.runs,
    resourcesDir: join(REPO, 'resources'),
    stateDir: folders.state,
    emitTrainingEvent: () => {},
    startTraining: (request) => {
      started.push(request);
      return { cancel() {}, kill() {}, done: new Promise<never>(() => {}) };
    },
  });
  return { service, started };
}
