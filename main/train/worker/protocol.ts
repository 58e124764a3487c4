/** Messages from the parent to the training process. Both sides check them against these schemas. */
import { z } from 'zod';
import { BACKENDS } from '../../backends/ladder.ts';
import { MAX_THREADS } from '../thread-count.ts';

export const startMessage = z.strictObject({
  type: z.literal('start'),
  /** A graph document; the training process validates it again, as it would a file. */
  graph: z.unknown(),
  /** Training settings input; defaults are applied on the other side. */
  settings: z.unknown(),
  backend: z.enum([...BACKENDS, 'auto']),
  runsRoot: z.string().nullable(),
  /** An ONNX model whose weights training starts from (fine-tuning), matched to the blocks by name. */
  initialWeights: z.string().optional(),
  /** Threads to train on; absent: one per core (train/threads.ts). */
  threads: z.number().int().min(1).max(MAX_THREADS).optional(),
  /**
   * Carry on the run in `runDir` from its checkpoint, to `epochs` in all (default: those it was to
   * reach); the graph and settings are then the run's own, and `graph`, `settings` and `runsRoot` unused.
   */
  resume: z.strictObject({ runDir: z.string(), epochs: z.number().int().min(1).max(10_000).optional() }).optional(),
});

export const cancelMessage = z.strictObject({ type: z.literal('cancel') });

export const parentMessageSchema = z.discriminatedUnion('type', [startMessage, cancelMessage]);

export type StartMessage = z.output<typeof startMessage>;
