/**
 * The tasks the studio hands its engine process (engine-process.ts) so that they run neither in
 * Electron's main process nor on the browser-mode server's event loop: finding the backends
 * (which loads every one of them), evaluating a run on its test images, a run's feature maps
 * for one image, and a design's Keras JSON (a compiled model's topology). Each request carries an id; the reply carries it back with the result or a
 * message for the user. Both sides check what they receive.
 */
import { z } from 'zod';

/**
 * `dataset`: the run's dataset name as the service resolved and confined it (datasetAccess
 * resolveName), so the folder checked is the folder opened, as for training.
 */
export const engineTask = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('backends') }),
  z.strictObject({ type: z.literal('evaluate'), runDir: z.string(), model: z.enum(['best', 'last']), dataset: z.string() }),
  z.strictObject({ type: z.literal('featureMaps'), runDir: z.string(), index: z.number().int().min(0), dataset: z.string() }),
  /** `graph`: a design the service has loaded; the engine process loads it again, as any document. */
  z.strictObject({ type: z.literal('kerasJson'), graph: z.unknown() }),
]);

export const engineRequest = z.strictObject({ id: z.number().int(), task: engineTask });

export type EngineTask = z.output<typeof engineTask>;

export const engineReply = z.union([
  z.strictObject({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.number().int(), ok: z.literal(false), message: z.string() }),
]);

export type EngineReply = z.output<typeof engineReply>;
