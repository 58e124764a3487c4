#!/usr/bin/env node
// Runs the built CLI (dist/cli, made by `npm install` or `npm run build:cli`: scripts/build-cli.ts).
// Nothing is compiled here, and nothing is resolved from the current folder.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/cnn-studio.js', import.meta.url);
if (!existsSync(built)) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  process.stderr.write(`error: cnn-studio is not built: ${fileURLToPath(built)} is missing; run \`npm install\` (or \`npm run build:cli\`) in ${root}\n`);
  process.exit(2);
}
const { main } = await import(built.href);
await main(process.argv);
// Backends with worker threads (wasm) would keep the process alive: leave once output is flushed.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
