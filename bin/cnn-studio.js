#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the command works straight from a checkout.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
await main(process.argv);
// Backends with worker threads (wasm) would keep the process alive: leave once output is flushed.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
