/**
 * Opening a run folder to carry on training it (`cnn-studio train --resume RUN`, Resume in the
 * runs view): the graph and settings it trained with, its checkpoint, and how many epochs it is to
 * reach. Every reason it cannot be resumed is one line naming the run.
 */
import { basename, join } from 'node:path';
import { StudioError } from '../errors.ts';
import { readNamedFile, FileReadError } from '../files/regular-file.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { decodeCheckpoint, type TrainingCheckpoint } from '../train/checkpoint.ts';
import { readRunRecord, RUN_FILES } from './run-folder.ts';
import { readRunGraph } from './run-history.ts';
import { liveStatus } from './run-liveness.ts';
import type { RunRecord } from './types.ts';

export interface ResumableRun {
  dir: string;
  graph: GraphDocument;
  settings: TrainingSettings;
  record: RunRecord;
  checkpoint: TrainingCheckpoint;
  /** The epochs the run is to reach in all. */
  epochs: number;
}

/**
 * The run in `dir`, ready to continue to `epochs` in all (default: the epochs it was to reach).
 * Throws a StudioError when it is training, has no checkpoint, or has nothing left to train.
 */
export async function openRunForResume(dir: string, epochs?: number): Promise<ResumableRun> {
  const name = basename(dir);
  const record = await readRunRecord(dir);
  if (liveStatus(record) === 'running') throw new StudioError(`run ${name} is still training; it can be resumed once it has stopped`);
  const graph = await readRunGraph(dir);
  if (!graph.training) throw new StudioError(`run ${name} cannot be resumed: its ${RUN_FILES.settings} is missing or cannot be read`);
  const checkpoint = await readCheckpoint(dir, name, record);
  const planned = record.epochsPlanned ?? graph.training.epochs;
  const target = epochs ?? planned;
  if (target <= checkpoint.epoch) {
    throw new StudioError(
      epochs === undefined
        ? `run ${name} has trained all its ${checkpoint.epoch} epochs; ask for more epochs in all (--epochs ${checkpoint.epoch + 5}) to train it further`
        : `run ${name} has trained ${checkpoint.epoch} epochs already; ask for more than ${checkpoint.epoch} in all`,
    );
  }
  return { dir, graph, settings: graph.training, record, checkpoint, epochs: target };
}

async function readCheckpoint(dir: string, name: string, record: RunRecord): Promise<TrainingCheckpoint> {
  const path = join(dir, RUN_FILES.checkpoint);
  let bytes: Uint8Array;
  try {
    bytes = await readNamedFile(path);
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') {
      throw new StudioError(
        record.epochsDone === 0
          ? `run ${name} cannot be resumed: it stopped before its first epoch ended; train it again instead`
          : `run ${name} cannot be resumed: it has no ${RUN_FILES.checkpoint} (runs trained before CNN Studio kept checkpoints have none)`,
      );
    }
    throw error;
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (error) {
    throw new StudioError(`run ${name} cannot be resumed: ${path} is damaged: ${(error as Error).message}`);
  }
}
