/** A training run as the panel sees it: its status, progress and the metrics for the charts. */
import type { StudioApi } from '../../../main/api/contract.ts';
import type { BatchEvent, EpochEvent, TrainingEvent } from '../../../main/train/events.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'cancelled';

export class TrainingStore {
  status: RunStatus = $state('idle');
  runId: string | null = $state(null);
  message = $state('');
  started: Extract<TrainingEvent, { type: 'started' }> | null = $state.raw(null);
  progress: BatchEvent | null = $state.raw(null);
  epochs: EpochEvent[] = $state.raw([]);
  /** Running train loss and accuracy as batches report them: [global batch index, value]. */
  batchLoss: [number, number][] = $state.raw([]);
  batchAccuracy: [number, number][] = $state.raw([]);
  batchRate: [number, number][] = $state.raw([]);

  constructor(private readonly api: StudioApi) {
    api.onTrainingEvent((runId, event) => {
      if (runId === this.runId) this.apply(event);
    });
  }

  async start(request: Parameters<StudioApi['startTraining']>[0]): Promise<void> {
    this.reset();
    this.status = 'starting';
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
    this.batchAccuracy = [];
    this.batchRate = [];
  }

  private apply(event: TrainingEvent): void {
    switch (event.type) {
      case 'started':
        this.started = event;
        this.status = 'running';
        this.message = `Training on ${event.backend}, ${event.threads} thread${event.threads === 1 ? '' : 's'}`;
        return;
      case 'batch': {
        this.progress = event;
        const step = (event.epoch - 1) * event.batches + event.batch;
        this.batchLoss = [...this.batchLoss, [step, event.loss]];
        this.batchAccuracy = [...this.batchAccuracy, [step, event.accuracy]];
        this.batchRate = [...this.batchRate, [step, event.learningRate]];
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
