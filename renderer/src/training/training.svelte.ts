/**
 * A training run as the panel sees it: its status, progress and the metrics for the charts.
 *
 * When the engine goes away mid-run (the browser mode's server stopped), the run is `disconnected`:
 * nothing can be stopped or heard. Once the page reconnects, the engine says whether it still runs
 * it; if not, the run was stopped with its server and reads as `interrupted`, with the epochs its
 * folder kept.
 */
import type { RunDetails, StudioApi } from '../../../main/api/contract.ts';
import type { RunStatus as FolderStatus } from '../../../main/runs/types.ts';
import type { BatchEvent, EpochEvent, TrainingEvent } from '../../../main/train/events.ts';
import { globalBatch, lossSincePrevious } from './batch-loss.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'disconnected' | 'finished' | 'diverged' | 'failed' | 'cancelled' | 'interrupted';

/** What the panel says of a run its server stopped with; the folder's own message when it has one. */
export const SERVER_STOPPED = 'the studio server stopped while this run trained; the epochs already finished are kept';

export class TrainingStore {
  status: RunStatus = $state('idle');
  runId: string | null = $state(null);
  message = $state('');
  started: Extract<TrainingEvent, { type: 'started' }> | null = $state.raw(null);
  progress: BatchEvent | null = $state.raw(null);
  epochs: EpochEvent[] = $state.raw([]);
  /** The mean train loss of the batches since the previous report (batch-loss.ts): [batch in the run, loss]. */
  batchLoss: [number, number][] = $state.raw([]);
  /** The learning rate each reported batch used: [batch in the run, rate]. */
  batchRate: [number, number][] = $state.raw([]);
  /** The momentum (Adam's β1) of each reported batch while one-cycle cycles it: [batch in the run, momentum]. */
  batchMomentum: [number, number][] = $state.raw([]);

  /**
   * Events heard while startTraining has not answered yet, by run id: the training process speaks
   * (phase events, or a failure to start) as soon as it is spawned, and nothing orders that
   * against the reply. Kept until the reply says which run is ours; the rest are dropped.
   */
  private unclaimed = new Map<string, TrainingEvent[]>();

  constructor(private readonly api: StudioApi) {
    api.onTrainingEvent((runId, event) => {
      if (runId === this.runId) this.apply(event);
      else if (this.status === 'starting' && this.runId === null) this.unclaimed.set(runId, [...(this.unclaimed.get(runId) ?? []), event]);
    });
    api.onConnection((state) => {
      if (state === 'lost' && this.active) {
        this.status = 'disconnected';
        this.message = 'The studio server stopped; this run cannot be followed or stopped until it is back.';
      }
      if (state === 'connected' && this.status === 'disconnected') void this.resync();
    });
  }

  /** After a reconnection: does the engine still run this run? If not, how did its folder end it? */
  private async resync(): Promise<void> {
    const runId = this.runId;
    const folder = this.started?.runDir?.split(/[\\/]/).filter(Boolean).at(-1);
    const [active, details] = await Promise.all([
      this.api.activeRuns().catch((): string[] => []),
      folder ? this.api.runDetails(folder).catch((): RunDetails | null => null) : Promise.resolve(null),
    ]);
    if (runId !== this.runId || this.status !== 'disconnected') return;
    // Epochs that ended while the page was away are in the folder.
    if (details && details.epochs.length > this.epochs.length) this.epochs = details.epochs;
    if (runId && active.includes(runId)) {
      this.status = 'running';
      this.message = `Reconnected; training on ${this.started?.backend ?? 'the engine'}`;
      return;
    }
    const ended = details?.summary.status;
    const status: RunStatus = ended === undefined || ended === 'running' ? 'interrupted' : ended;
    this.status = status;
    this.message =
      status === 'finished'
        ? 'Finished while the studio server was out of reach; its results are in the runs view'
        : `${STATUS_WORDS[status]}: ${ended === 'running' || !details?.summary.error ? SERVER_STOPPED : details.summary.error}`;
  }

  async start(request: Parameters<StudioApi['startTraining']>[0]): Promise<void> {
    this.reset();
    this.status = 'starting';
    // The engine says what it loads next (phase events); until then, the process is starting.
    this.message = 'Starting the training process…';
    await this.claim(() => this.api.startTraining(request));
  }

  /** Starts a run with `call` and makes it this store's, with whatever it said before the answer; false when it did not start. */
  private async claim(call: () => Promise<{ runId: string }>): Promise<boolean> {
    try {
      const { runId } = await call();
      this.runId = runId;
      for (const event of this.unclaimed.get(runId) ?? []) this.apply(event);
      return true;
    } catch (error) {
      this.status = 'failed';
      this.message = (error as Error).message;
      return false;
    } finally {
      this.unclaimed.clear();
    }
  }

  /**
   * Carries on a run from its checkpoint. The epochs it trained before are shown at once (from its
   * folder), so the charts read as one run.
   */
  async resume(request: Parameters<StudioApi['resumeTraining']>[0], name: string): Promise<void> {
    this.reset();
    this.status = 'starting';
    this.message = `Resuming ${name}…`;
    if (!(await this.claim(() => this.api.resumeTraining(request)))) return;
    const runId = this.runId;
    try {
      const details = await this.api.runDetails(request.runId);
      if (this.runId !== runId) return;
      // Events of the resumed run may have come in meanwhile: they win, and epochs past the checkpoint are trained again.
      const after = this.started?.resumedAfter ?? Infinity;
      const earlier = details.epochs.filter((e) => e.epoch <= after && !this.epochs.some((live) => live.epoch === e.epoch));
      this.epochs = [...earlier, ...this.epochs].sort((a, b) => a.epoch - b.epoch);
    } catch {
      // The charts then start at the resumed epoch; the run itself goes on.
    }
  }

  async stop(): Promise<void> {
    if (this.runId) await this.api.stopTraining(this.runId);
  }

  /** Whether the run is going and can be stopped (not while the engine is out of reach). */
  get active(): boolean {
    return this.status === 'starting' || this.status === 'running';
  }

  private reset(): void {
    this.runId = null;
    this.message = '';
    this.started = null;
    this.progress = null;
    this.epochs = [];
    this.batchLoss = [];
    this.batchRate = [];
    this.batchMomentum = [];
  }

  private apply(event: TrainingEvent): void {
    switch (event.type) {
      case 'phase':
        this.message = event.message;
        return;
      case 'started':
        this.started = event;
        this.status = 'running';
        const where = `${event.backend}, ${event.threads} thread${event.threads === 1 ? '' : 's'}`;
        this.message = event.resumedAfter > 0 ? `Resumed after epoch ${event.resumedAfter}, training on ${where}` : `Training on ${where}`;
        // Only the epochs up to the checkpoint are kept; the resumed run trains the rest again.
        this.epochs = this.epochs.filter((e) => e.epoch <= event.resumedAfter);
        return;
      case 'batch': {
        const step = globalBatch(event);
        this.batchLoss = [...this.batchLoss, [step, lossSincePrevious(this.progress, event)]];
        this.batchRate = [...this.batchRate, [step, event.learningRate]];
        if (event.momentum !== null) this.batchMomentum = [...this.batchMomentum, [step, event.momentum]];
        this.progress = event;
        return;
      }
      case 'epoch':
        this.epochs = [...this.epochs, event];
        return;
      case 'finished':
        this.status = 'finished';
        this.message = `Finished: ${describeBest(event)}`;
        return;
      case 'cancelled':
        this.status = 'cancelled';
        this.message = `Stopped after ${event.epochsDone} epoch${event.epochsDone === 1 ? '' : 's'}`;
        return;
      case 'diverged':
        this.status = 'diverged';
        this.message = `Diverged: ${event.message}`;
        return;
      case 'failed':
        this.status = 'failed';
        this.message = event.error;
        return;
    }
  }
}

/** "best epoch 7 by validation accuracy 99.40 % (test 99.41 %)", or by test accuracy for a run without a validation split. */
export function describeBest(best: { bestEpoch: number; selectedBy: 'validation' | 'test'; bestValidationAccuracy: number | null; bestTestAccuracy: number }): string {
  const percent = (value: number) => `${(value * 100).toFixed(2)} %`;
  if (best.selectedBy === 'test') return `best epoch ${best.bestEpoch} by test accuracy ${percent(best.bestTestAccuracy)} (no validation split)`;
  return `best epoch ${best.bestEpoch} by validation accuracy ${percent(best.bestValidationAccuracy ?? NaN)} (test ${percent(best.bestTestAccuracy)})`;
}

const STATUS_WORDS: Record<FolderStatus | 'disconnected' | 'idle' | 'starting', string> = {
  idle: 'Idle',
  starting: 'Starting',
  running: 'Running',
  disconnected: 'Disconnected',
  finished: 'Finished',
  diverged: 'Diverged',
  failed: 'Failed',
  cancelled: 'Stopped',
  interrupted: 'Interrupted',
};
