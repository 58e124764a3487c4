/** `cnn-studio dataset <name>`: what a dataset holds before training on it — shape, classes, counts, skipped files. */
import Table from 'cli-table3';
import { formatCount, formatShape } from '../analysis/format.ts';
import { openDataset } from '../data/datasets.ts';
import { inspectDataset } from '../data/inspect.ts';
import { describeError } from '../errors.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';

export async function runDataset(name: string, options: { json?: boolean }, io: Output): Promise<number> {
  let opened: Awaited<ReturnType<typeof openDataset>>;
  try {
    opened = await openDataset(name);
  } catch (error) {
    io.err(`error: ${describeError(error)}`);
    return EXIT_UNREADABLE;
  }
  const report = inspectDataset(opened.dataset, { previewPerClass: 0 });
  if (options.json) {
    io.out(JSON.stringify({ name: report.name, shape: report.shape, classNames: report.classNames, counts: report.counts, normalization: opened.dataset.normalization, skipped: opened.skipped }, null, 2));
    return EXIT_OK;
  }
  const table = new Table({ head: ['Class', 'Train', 'Test'], colAligns: ['left', 'right', 'right'], style: { head: [], border: [], compact: true } });
  for (const count of report.counts) table.push([count.className, formatCount(count.train), formatCount(count.test)]);
  io.out(`${report.name}: ${formatShape(report.shape)} images, ${report.classNames.length} classes, ${formatCount(opened.dataset.train.count)} training and ${formatCount(opened.dataset.test.count)} test images`);
  io.out(table.toString());
  for (const skip of opened.skipped) io.err(`skipped ${skip.path}: ${skip.reason}`);
  return EXIT_OK;
}
