/**
 * The recovery file: the editor's unsaved design, written every few seconds while it has unsaved
 * changes, so a crash or a kill loses at most those seconds. It is removed when the design is
 * saved or deliberately discarded, so finding one at start-up means the last session ended
 * without either, and the studio offers it back.
 *
 * One file per workspace (its name is a hash of the workspace path), in the host's state folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors.ts';
import { parseJsonText } from '../graph/json-text.ts';
import { parseGraphDocument } from '../graph/load.ts';
import type { RecoveryDraft } from '../api/contract.ts';
import { readNamedFile, type FileReadError } from './regular-file.ts';
import { writeAtomically } from './write-atomically.ts';

const recordSchema = z.object({
  format: z.literal('cnn-studio/recovery'),
  path: z.string().nullable(),
  savedAt: z.string(),
  graph: z.unknown(),
});

export interface RecoveryStore {
  readonly file: string;
  save(graph: unknown, path: string | null): Promise<void>;
  /** The draft left by an earlier session, or null. Throws a StudioError when the file is damaged. */
  read(): Promise<RecoveryDraft | null>;
  clear(): Promise<void>;
}

export function recoveryStore(stateDir: string, workspace: string): RecoveryStore {
  const key = createHash('sha256').update(workspace).digest('hex').slice(0, 16);
  const folder = join(stateDir, 'recovery');
  const file = join(folder, `${key}.json`);

  return {
    file,

    async save(graph, path) {
      const loaded = parseGraphDocument(graph);
      if (!loaded.ok) throw new StudioError(`the unsaved design could not be kept for recovery: ${loaded.problems[0]!.path}: ${loaded.problems[0]!.message}`);
      await mkdir(folder, { recursive: true });
      const record = { format: 'cnn-studio/recovery', path, savedAt: new Date().toISOString(), graph: loaded.graph };
      await writeAtomically(file, JSON.stringify(record));
    },

    async read() {
      let text: string;
      try {
        text = (await readNamedFile(file)).toString('utf8');
      } catch (error) {
        if ((error as FileReadError).code === 'ENOENT') return null;
        throw new StudioError(`the recovery file cannot be restored: ${(error as Error).message}`);
      }
      const draft = parseRecord(text);
      if (draft) return draft;
      // Kept aside rather than deleted: it may still hold work someone can rescue by hand.
      const damaged = `${file}.damaged`;
      await rename(file, damaged).catch(() => {});
      throw new StudioError(`the recovery file from the last session is damaged and cannot be restored; it was moved to ${damaged}`);
    },

    async clear() {
      await rm(file, { force: true });
    },
  };
}

function parseRecord(text: string): RecoveryDraft | null {
  const json = parseJsonText(text, 'the recovery file');
  if (!json.ok) return null;
  const record = recordSchema.safeParse(json.value);
  if (!record.success) return null;
  const graph = parseGraphDocument(record.data.graph);
  return graph.ok ? { graph: graph.graph, path: record.data.path, savedAt: record.data.savedAt } : null;
}
