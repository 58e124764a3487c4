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
    try {
      const { runId } = await this.api.startTraining(request);
      this.runId = runId;
      for (const event of this.unclaimed.get(runId) ?? []) this.apply(event);
    } catch (error) {
      this.status = 'failed';
      this.message = (error as Error).message;
    } finally {
      this.unclaimed.clear();
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
  }

  private apply(event: TrainingEvent): void {
    switch (event.type) {
      case 'phase':
        this.message = event.message;
        return;
      case 'started':
        this.started = event;
        this.status = 'running';
        this.message = `Training on ${event.backend}, ${event.threads} thread${event.threads === 1 ? '' : 's'}`;
        return;
      case 'batch': {
        const step = globalBatch(event);
        this.batchLoss = [...this.batchLoss, [step, lossSincePrevious(this.progress, event)]];
        this.batchRate = [...this.batchRate, [step, event.learningRate]];
        this.progress = event;
        return;
      }
      case 'epoch':
        this.epochs = [...this.epochs, event];
        return;
      case 'finished':
        this.status = 'finished';
        this.message = `Finished: best test accuracy ${(event.bestTestAccuracy * 100).toFixed(2)} % at epoch ${event.bestEpoch}`;
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
