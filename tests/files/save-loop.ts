/**
 * Saves one graph file over and over, a little different each time, until killed: the subject of
 * the kill-during-save test. Prints "saving" once the file and its backup both exist.
 */
import { writeGraphFile } from '../../main/files/write-graph-file.ts';
import { chainOf } from '../support/graphs.ts';

const file = process.argv[2]!;
// Hundreds of blocks make each write long enough for a kill to land in the middle of one.
const blocks = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? { type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same' } } : { type: 'batchNorm' }));
const graph = chainOf([28, 28, 1], blocks);
for (let version = 0; ; version++) {
  await writeGraphFile(file, { ...graph, name: `version ${version}` });
  // From the second save on there is a file and a backup to check, whenever the kill comes.
  if (version === 1) process.stdout.write('saving\n');
}
