/** A training run as the panel sees it: its status, progress and the metrics for the charts. */
import type { StudioApi } from '../../../main/api/contract.ts';
import type { BatchEvent, EpochEvent, TrainingEvent } from '../../../main/train/events.ts';
import { globalBatch, lossSincePrevious } from './batch-loss.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'cancelled';

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

  constructor(private readonly api: StudioApi) {
    api.onTrainingEvent((runId, event) => {
      if (runId === this.runId) this.apply(event);
    });
  }

  async start(request: Parameters<StudioApi['startTraining']>[0]): Promise<void> {
    this.reset();
    this.status = 'starting';
    // The engine says what it loads next (phase events); until then, the process is starting.
    this.message = 'Starting the training process…';
    try {
      const { runId } = await this.api.startTraining(request);
      this.runId = runId;
    } catch (error) {
      this.status = 'failed';
      this.message = (error as Error).message;
    }
  }

  async stop(): Promise<void> {
    if (this.runId) await this.api.stopTraining(this.runId);
  }

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
        this.message = `Training on ${event.backend}`;
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
      case 'failed':
        this.status = 'failed';
        this.message = event.error;
        return;
    }
  }
}
