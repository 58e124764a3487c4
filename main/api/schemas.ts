/** Argument schemas for every call of the API contract, checked where a call arrives. */
import { z } from 'zod';
import { BACKENDS } from '../backends/types.ts';
import { MAX_THREADS } from '../train/thread-count.ts';
import { quoteValue } from '../graph/quote-value.ts';
// Every length limit goes through onStrings: see length-checks.ts for the crash it prevents.
import { onStrings } from '../length-checks.ts';
import { nestingProblem } from '../nesting-depth.ts';
import { EXPORT_FORMATS, FILE_KINDS, RUN_EXPORT_FORMATS, type CallName } from './contract.ts';

const path = z.string().min(1, onStrings({ error: 'a path is needed' })).max(4096, onStrings({ error: 'the path is too long' }));

/** Threads to train on (wasm and cpu); absent: the run's own for a resumed run, else one per core. */
const threads = z.number().int('threads must be a whole number').min(1, 'threads must be at least 1').max(MAX_THREADS, `threads must be at most ${MAX_THREADS}`).optional();
/** A run folder's name: no path separators, so no call can reach outside the runs folder. */
const runId = z.string().regex(/^[\w][\w.-]{0,199}$/, 'not a run id');

/** Graph documents are validated by the graph loader, which names the field at fault. */
const graph = z.unknown();

export const CALL_ARGUMENTS = {
  hostInfo: z.tuple([]),
  listPresets: z.tuple([]),
  loadPreset: z.tuple([z.string().regex(/^(journey|presets)\/[a-z0-9-]+$/, 'not a preset id')]),
  listFiles: z.tuple([z.enum(FILE_KINDS)]),
  chooseFile: z.union([z.tuple([z.enum(['open', 'save']), z.enum(FILE_KINDS)]), z.tuple([z.enum(['open', 'save']), z.enum(FILE_KINDS), z.string().max(255, onStrings())])]),
  openGraph: z.tuple([path]),
  saveGraph: z.tuple([path, graph]),
  recentFiles: z.tuple([]),
  findBackup: z.tuple([path]),
  openBackup: z.tuple([path]),
  saveRecovery: z.tuple([graph, path.nullable()]),
  readRecovery: z.tuple([]),
  clearRecovery: z.tuple([]),
  listBackends: z.tuple([]),
  previewDataset: z.tuple([z.string().min(1, onStrings({ error: 'name a dataset' })).max(4096, onStrings())]),
  startTraining: z.tuple([
    z.strictObject({
      graph,
      settings: z.record(z.string(), z.unknown()),
      backend: z.enum([...BACKENDS, 'auto']),
      initialWeights: path.optional(),
      threads,
    }),
  ]),
  resumeTraining: z.tuple([z.strictObject({ runId, epochs: z.number().int().min(1).max(10_000).optional(), backend: z.enum([...BACKENDS, 'auto']), threads })]),
  stopTraining: z.tuple([z.string().min(1, onStrings()).max(100, onStrings())]),
  activeRuns: z.tuple([]),
  listRuns: z.tuple([]),
  runDetails: z.tuple([runId]),
  renameRun: z.tuple([runId, z.string().trim().min(1, onStrings({ error: 'a run needs a name' })).max(200, onStrings())]),
  setRunNote: z.tuple([runId, z.string().max(10_000, onStrings())]),
  deleteRun: z.tuple([runId]),
  evaluateRun: z.tuple([runId, z.enum(['best', 'last'])]),
  featureMaps: z.tuple([runId, z.number().int().min(0).max(10_000_000)]),
  exportDesign: z.tuple([path, z.enum(EXPORT_FORMATS), graph]),
  exportRunModel: z.union([z.tuple([runId, path]), z.tuple([runId, path, z.enum(RUN_EXPORT_FORMATS)])]),
} satisfies Record<CallName, z.ZodType>;

/** Checks a call's arguments; the message names the call and what is wrong. */
export function checkArguments(name: string, args: unknown): { ok: true; args: unknown[] } | { ok: false; message: string } {
  // A name or a key that reaches here from another process may be anything, even a Symbol,
  // which a template literal or join() would throw on.
  if (typeof name !== 'string') return { ok: false, message: `a call is named by a string, not ${quoteValue(name)}` };
  if (!Object.hasOwn(CALL_ARGUMENTS, name)) return { ok: false, message: `unknown call ${quoteValue(name, 64)}` };
  // Before any schema or later code walks them: a value nested 100,000 deep overflows the stack.
  const tooDeep = nestingProblem(args, `${name}: the arguments`);
  if (tooDeep) return { ok: false, message: tooDeep };
  const parsed = CALL_ARGUMENTS[name as CallName].safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map((key) => String(key).slice(0, 64)).join('.');
  return { ok: false, message: `${name}: argument ${where} ${issue.message}`.replace(/\s+/g, ' ') };
}
