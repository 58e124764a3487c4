/** `cnn-studio eval <run-dir>`: reloads a saved model and measures it on the test split, class by class. */
import Table from 'cli-table3';
import { formatCount } from '../analysis/format.ts';
import type { BackendName } from '../backends/types.ts';
import { describeError } from '../errors.ts';
import { evaluateRun } from '../evaluate/evaluate-run.ts';
import type { Evaluation } from '../evaluate/types.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export interface EvalOptions {
  model: 'best' | 'last';
  backend: BackendName | 'auto';
  json?: boolean;
}

export async function runEval(runDir: string, options: EvalOptions, io: Output): Promise<number> {
  let result: Awaited<ReturnType<typeof evaluateRun>>;
  try {
    result = await evaluateRun(runDir, options);
  } catch (error) {
    io.err(`error: ${describeError(error)}`);
    return EXIT_UNREADABLE;
  }
  const correct = Math.round(result.accuracy * result.images);
  if (options.json) {
    const misclassified = result.misclassified.map(({ pixels: _pixels, ...rest }) => rest);
    io.out(JSON.stringify({ runDir, model: options.model, backend: result.backend, dataset: result.dataset, images: result.images, correct, accuracy: result.accuracy, loss: result.loss, perClass: result.perClass, confusion: result.confusion, misclassified }));
    return EXIT_OK;
  }
  io.out(
    `Test accuracy ${(result.accuracy * 100).toFixed(2)} % (${formatCount(correct)} of ${formatCount(result.images)} ${result.dataset} test images), ` +
      `loss ${result.loss.toFixed(4)}; ${options.model} model of ${runDir}, on ${result.backend}`,
  );
  io.out(confusionTable(result));
  return EXIT_OK;
}

/** Rows are the true class, columns the predicted one, with each class's accuracy at the end. */
function confusionTable(result: Evaluation): string {
  const table = new Table({
    head: ['true \\ predicted', ...result.classNames, 'accuracy'],
    colAligns: ['left', ...result.classNames.map(() => 'right' as const), 'right'],
    style: { head: [], border: [], compact: true },
  });
  result.confusion.forEach((row, label) => {
    table.push([result.classNames[label]!, ...row.map((count) => (count === 0 ? '·' : String(count))), `${(result.perClass[label]!.accuracy * 100).toFixed(1)} %`]);
  });
  return table.toString();
}
