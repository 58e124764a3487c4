/**
 * A 1 GB graph file (sparse: it takes no disk) is refused by size before a byte of it is read,
 * whether the studio opens it (openGraph) or `cnn-studio summary` is pointed at it.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createStudioService } from '../../main/api/studio-service.ts';
import { runSummary } from '../../main/cli/summary-command.ts';
import { dispatchCall } from '../../main/server/dispatch.ts';
import { hasStackTrace, REPO, runCli } from '../support/cli.ts';
import { readPaths } from './support/fs-log.ts';

vi.mock('node:fs/promises', async (importOriginal) => (await import('./support/fs-log.ts')).recordingFs(await importOriginal()));

const workspace = mkdtempSync(join(tmpdir(), 'cnn-studio-fuzz-huge-'));
const huge = join(workspace, 'huge.json');
writeFileSync(huge, '');
truncateSync(huge, 1024 ** 3);
writeFileSync(join(workspace, 'small.json'), readFileSync(join(REPO, 'resources', 'journey', 'round-10.json')));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const REFUSAL = 'the file is 1024 MiB; model files above 64 MiB are refused';

describe('a 1 GB graph file', () => {
  it('is refused by openGraph, by size, without being read', async () => {
    const service = createStudioService({
      kind: 'browser',
      workspace,
      runsRoot: join(workspace, 'runs'),
      resourcesDir: join(REPO, 'resources'),
      stateDir: join(workspace, '.state'),
      emitTrainingEvent: () => {},
    });
    const outcome = await dispatchCall(service, 'openGraph', ['huge.json']);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toContain(`cannot read ${huge}: ${REFUSAL}`);
    expect(readPaths).not.toContain(huge);
    // The record of reads works: a small file that opens is in it.
    expect(await dispatchCall(service, 'openGraph', ['small.json'])).toMatchObject({ ok: true });
    expect(readPaths).toContain(join(workspace, 'small.json'));
  });

  it('is refused by cnn-studio summary (exit 2), by size, without being read', async () => {
    const errors: string[] = [];
    const code = await runSummary(huge, {}, { out: () => {}, err: (text) => errors.push(text) });
    expect(code).toBe(2);
    expect(errors[0]).toBe(`error: cannot read ${huge}: ${REFUSAL}`);
    expect(readPaths).not.toContain(huge);
  });

  it('is refused the same by the real command, in one line', async () => {
    const result = await runCli(['summary', huge]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(REFUSAL);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
