/**
 * Vitest global setup: builds the CLI (dist/cli) from the current sources once, before any test
 * runs it. The tests run the built command as a user does (tests/support/cli.ts), and a stale
 * build could otherwise hide a change to the sources.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../../scripts/build-cli.ts';

export default async function setup(): Promise<void> {
  await buildCli(join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli'));
}
