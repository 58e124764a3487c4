/**
 * Everything a run needs to carry on after its last finished epoch exactly as if it had never
 * stopped: the weights (BatchNorm's moving statistics included), the optimizer's state, where the
 * random streams stand (shuffling and augmentation share one, dropout has its own), the plateau
 * schedule's progress and the best epoch so far. Kept in the run folder as one file written whole
 * after every epoch (runs/run-recorder.ts), so a kill can never leave weights of one epoch beside
 * the optimizer state of another.
 *
 * The file: "CNNSCKP1", the header's length (uint32, little-endian), the header as JSON (the
 * numbers, and the length of every array), zeros to a multiple of 4 bytes, then the float32
 * arrays in the header's order, little-endian.
 */
import { z } from 'zod';
import type { EpochEvent } from './events.ts';
import type { OptimizerState } from './optimizers.ts';
import type { ScheduleState } from './schedules.ts';
import type { BestEpoch } from './selection.ts';

export interface TrainingCheckpoint {
  /** Epochs finished; the run continues with the next. */
  epoch: number;
  /** The shuffling and augmentation stream's state (random.ts). */
  random: number;
  /** The dropout seed stream's state (dropout-seeds.ts). */
  dropout: number;
  schedule: ScheduleState;
  best: BestEpoch;
  /** The epoch's own event, so that metrics.jsonl can be put right if the kill came before it was written. */
  event: EpochEvent;
  /** Seconds of training so far, over every session of the run. */
  seconds: number;
  /** In model.getWeights() order. */
  weights: Float32Array[];
  optimizer: OptimizerState;
}

const MAGIC = 'CNNSCKP1';

const headerSchema = z.object({
  epoch: z.number().int().min(1),
  random: z.number().int().min(0).max(2 ** 32 - 1),
  dropout: z.number().int().min(0).max(2 ** 32 - 1),
  schedule: z.object({ current: z.number(), best: z.number().nullable(), waited: z.number() }).nullable(),
  best: z.object({ epoch: z.number(), selectedBy: z.enum(['validation', 'test']), validationAccuracy: z.number().nullable(), testAccuracy: z.number() }),
  event: z.looseObject({ type: z.literal('epoch'), epoch: z.number() }),
  seconds: z.number().min(0),
  step: z.number().int().min(0),
  weights: z.array(z.number().int().min(0)),
  slots: z.array(z.array(z.number().int().min(0))),
});

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const { weights, optimizer, ...numbers } = checkpoint;
  const header = new TextEncoder().encode(
    JSON.stringify({ ...numbers, step: optimizer.step, weights: weights.map((w) => w.length), slots: optimizer.slots.map((slots) => slots.map((s) => s.length)) }),
  );
  const arrays = [...weights, ...optimizer.slots.flat()];
  const start = align(MAGIC.length + 4 + header.length);
  const bytes = new Uint8Array(start + 4 * arrays.reduce((sum, a) => sum + a.length, 0));
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, header.length, true);
  bytes.set(header, MAGIC.length + 4);
  let at = start;
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  return bytes;
}

/** The checkpoint in `bytes`; throws an Error saying what is wrong (the caller names the file). */
export function decodeCheckpoint(bytes: Uint8Array): TrainingCheckpoint {
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new Error('it is not a CNN Studio checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw new Error('it is cut short');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch {
    throw new Error('its header is not JSON');
  }
  const header = headerSchema.safeParse(parsed);
  if (!header.success) throw new Error(`its header is damaged (${header.error.issues[0]!.path.join('.')}: ${header.error.issues[0]!.message})`);
  const { step, weights: weightLengths, slots: slotLengths, ...numbers } = header.data;
  const values = [...weightLengths, ...slotLengths.flat()].reduce((sum, n) => sum + n, 0);
  const start = align(MAGIC.length + 4 + headerLength);
  if (bytes.length !== start + 4 * values) throw new Error(`it holds ${bytes.length} bytes where its header promises ${start + 4 * values}`);
  // Copied out: the file's buffer need not be aligned for a Float32Array view.
  const data = new Float32Array(new Uint8Array(bytes.subarray(start)).buffer);
  let at = 0;
  const take = (length: number) => data.slice(at, (at += length));
  const weights = weightLengths.map(take);
  const slots = slotLengths.map((lengths) => lengths.map(take));
  return { ...numbers, event: numbers.event as unknown as EpochEvent, weights, optimizer: { step, slots } };
}

function align(offset: number): number {
  return Math.ceil(offset / 4) * 4;
}
