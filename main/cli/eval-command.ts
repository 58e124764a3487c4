/** `cnn-studio eval <run-dir>`: reloads a saved model and measures it on the test split. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBackend, loadFastestBackend, type BackendName } from '../backends/ladder.ts';
import { formatCount } from '../analysis/format.ts';
import { limitDataset } from '../data/dataset.ts';
import { loadDataset } from '../data/datasets.ts';
import { describeError } from '../errors.ts';
import { parseGraphDocument } from '../graph/load.ts';
import { trainingSettingsSchema } from '../graph/training-settings.ts';
import { loadModel } from '../runs/model-files.ts';
import { RUN_FILES } from '../runs/run-folder.ts';
import { evaluate } from '../train/trainer.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './summary-command.ts';

export interface EvalOptions {
  model: 'best' | 'last';
  backend: BackendName | 'auto';
  json?: boolean;
}

export async function runEval(runDir: string, options: EvalOptions, io: Output): Promise<number> {
  try {
    const graph = parseGraphDocument(JSON.parse(await readRunFile(runDir, RUN_FILES.graph)));
    if (!graph.ok) throw new Error(`${RUN_FILES.graph} in ${runDir} does not load: ${graph.problems[0]!.path}: ${graph.problems[0]!.message}`);
    const settings = trainingSettingsSchema.parse(JSON.parse(await readRunFile(runDir, RUN_FILES.settings)));
    const backend = options.backend === 'auto' ? await loadFastestBackend() : await loadBackend(options.backend);
    const modelDir = join(runDir, options.model === 'best' ? RUN_FILES.bestModel : RUN_FILES.lastModel);
    const model = await loadModel(backend.tf, modelDir).catch((error: unknown) => {
      throw new Error(`cannot load the ${options.model} model from ${modelDir}: ${describeError(error)}`);
    });
    const dataset = limitDataset(await loadDataset(settings.dataset), settings.limit);
    const logits = graph.graph.nodes.some((n) => n.type === 'output' && n.params.activation === 'none');
    const result = await evaluate(backend.tf, model, dataset, dataset.test, logits);
    model.dispose();
    const correct = Math.round(result.accuracy * dataset.test.count);
    if (options.json) {
      io.out(JSON.stringify({ runDir, model: options.model, backend: backend.name, dataset: dataset.name, images: dataset.test.count, correct, accuracy: result.accuracy, loss: result.loss }));
    } else {
      io.out(
        `Test accuracy ${(result.accuracy * 100).toFixed(2)} % (${formatCount(correct)} of ${formatCount(dataset.test.count)} ${dataset.name} test images), ` +
          `loss ${result.loss.toFixed(4)}; ${options.model} model of ${runDir}, on ${backend.name}`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    io.err(`error: ${describeError(error).replace(/^Error: /, '')}`);
    return EXIT_UNREADABLE;
  }
}

async function readRunFile(runDir: string, name: string): Promise<string> {
  try {
    return await readFile(join(runDir, name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${runDir} is not a run folder (it has no ${name})` : `cannot read ${join(runDir, name)}: ${(error as Error).message}`);
  }
}
