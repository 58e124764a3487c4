/** Evaluating a run's saved model on its dataset's test split. */
import { join } from 'node:path';
import { loadBackend, loadFastestBackend, type BackendName } from '../backends/ladder.ts';
import { limitDataset } from '../data/dataset.ts';
import { loadDataset } from '../data/datasets.ts';
import { describeError, StudioError } from '../errors.ts';
import { loadModel } from '../runs/model-files.ts';
import { RUN_FILES } from '../runs/run-folder.ts';
import { readRunGraph } from '../runs/run-history.ts';
import { evaluateModel } from './evaluate-model.ts';
import type { Evaluation } from './types.ts';

export interface EvaluateRunOptions {
  model: 'best' | 'last';
  backend: BackendName | 'auto';
}

export async function evaluateRun(runDir: string, options: EvaluateRunOptions): Promise<Evaluation & { backend: string }> {
  const graph = await readRunGraph(runDir);
  const settings = graph.training;
  if (!settings) throw new StudioError(`${runDir} has no readable ${RUN_FILES.settings}`);
  const backend = options.backend === 'auto' ? await loadFastestBackend() : await loadBackend(options.backend);
  const modelDir = join(runDir, options.model === 'best' ? RUN_FILES.bestModel : RUN_FILES.lastModel);
  const model = await loadModel(backend.tf, modelDir).catch((error: unknown) => {
    throw new StudioError(`cannot load the ${options.model} model from ${modelDir}: ${describeError(error)}`);
  });
  try {
    const dataset = limitDataset(await loadDataset(settings.dataset), settings.limit);
    const logits = graph.nodes.some((n) => n.type === 'output' && n.params.activation === 'none');
    return { ...(await evaluateModel(backend.tf, model, dataset, dataset.test, { logits })), backend: backend.name };
  } finally {
    model.dispose();
  }
}
