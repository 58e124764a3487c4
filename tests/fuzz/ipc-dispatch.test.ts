/**
 * Calls through dispatchCall into a real studio service (browser mode, scratch workspace, runs and
 * state folders, a stand-in for the training process): random call names, argument lists of the
 * right kinds with nasty values, of any kind, too short, too long. Every call comes back as a
 * result or a one-line message, never a throw or a stack trace, and nothing is written outside the
 * scratch folders.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkArguments } from '../../main/api/schemas.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { serviceWithoutTraining } from '../support/scratch-service.ts';
import { expectCleanMessage } from './support/expectations.ts';
import { fuzzOptions } from './support/fuzz-settings.ts';
import { studioCall } from './support/ipc-calls.ts';
import { PRESET_DOCUMENTS } from './support/seed-documents.ts';
import { writtenPaths } from './support/fs-log.ts';

vi.mock('node:fs/promises', async (importOriginal) => (await import('./support/fs-log.ts')).recordingFs(await importOriginal()));

// Scratch folders side by side, with a canary next to them that no call may touch.
const root = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-ipc-'));
const folders = { workspace: join(root, 'workspace'), runs: join(root, 'runs'), state: join(root, 'state'), outside: join(root, 'outside') };
for (const folder of Object.values(folders)) mkdirSync(folder);
writeFileSync(join(folders.outside, 'canary.json'), JSON.stringify(PRESET_DOCUMENTS[0]));
writeFileSync(join(folders.workspace, 'graph.json'), JSON.stringify(PRESET_DOCUMENTS[1]));
mkdirSync(join(folders.runs, 'run-1'));
mkdirSync(join(folders.runs, 'run-2'));
writeFileSync(join(folders.runs, 'run-2', 'run.json'), '{"not": "a run"}');

const { service, started } = serviceWithoutTraining(folders);
afterAll(() => {
  service.dispose();
  rmSync(root, { recursive: true, force: true });
});

function listing(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

/** A message for a person: programming errors (TypeError and kin) must not reach one. */
function expectUserMessage(message: string): void {
  expectCleanMessage(message);
  expect(message).not.toMatch(/^(TypeError|RangeError|ReferenceError|SyntaxError|InternalError):/);
}

describe('calls from the interface, fuzzed', () => {
  it('refuses bad arguments at checkArguments with a message, never a throw', () => {
    fc.assert(
      fc.property(studioCall(folders.outside), ([name, args]) => {
        const checked = checkArguments(name as string, args);
        if (!checked.ok) expectUserMessage(checked.message);
        else expect(Array.isArray(checked.args)).toBe(true);
      }),
      fuzzOptions(2_000),
    );
  });

  it('answers every call through a real service with a result or a clean message', async () => {
    const before = { outside: listing(folders.outside), canary: readFileSync(join(folders.outside, 'canary.json'), 'utf8') };
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(studioCall(folders.outside), async ([name, args]) => {
        const outcome = await dispatchCall(service, name as string, args);
        if (!outcome.ok) expectUserMessage(outcome.message);
        else answered += 1;
      }),
      fuzzOptions(1_000),
    );
    expect(answered).toBeGreaterThan(0);
    expect(started.length).toBeGreaterThan(0);

    // Nothing written outside the scratch folders, and the canary untouched.
    const allowed = [folders.workspace, folders.runs, folders.state].map((folder) => `${folder}/`);
    const strays = writtenPaths.filter((path) => !allowed.some((folder) => `${path}/`.startsWith(folder)));
    expect(strays).toEqual([]);
    expect(writtenPaths.length).toBeGreaterThan(0);
    expect(listing(folders.outside)).toEqual(before.outside);
    expect(readFileSync(join(folders.outside, 'canary.json'), 'utf8')).toBe(before.canary);
    expect(readdirSync(root).sort()).toEqual(['outside', 'runs', 'state', 'workspace']);
  });
});
