/**
 * Builds the `cnn-studio` command into dist/cli: the command (cnn-studio.js, which bin/cnn-studio.js
 * loads), the training process it forks (training-process.js, found beside it by
 * main/train/worker/link.ts), the training threads that process starts (training-replica.js,
 * main/train/parallel/replica-pool.ts) and their chunks. Each command's code sits in its own chunk, reached
 * by a dynamic import, so `summary` or `--help` never load TensorFlow.js. Runs at `npm install`
 * (the `prepare` script, also before `npm pack`) and before the tests.
 *
 *   tsx scripts/build-cli.ts [OUT_DIR]     (default dist/cli)
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNodeBundle } from './node-bundle.ts';

/** The entries of the CLI build, by output name. */
export const CLI_ENTRIES = {
  'cnn-studio': 'main/cli/index.ts',
  'training-process': 'main/train/worker/training-process.ts',
  'training-replica': 'main/train/parallel/replica-worker.ts',
} as const;

export async function buildCli(outDir = 'dist/cli'): Promise<void> {
  // Chunk names carry a hash: clear the folder so that no chunk of an older build lingers.
  rmSync(resolve(outDir), { recursive: true, force: true });
  await buildNodeBundle({ entries: CLI_ENTRIES, outDir, keep: 'on-disk' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCli(process.argv[2]);
  } catch (error) {
    // esbuild has printed each error with its file and line.
    process.stderr.write(`error: the CLI build failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 1;
  }
}
