/**
 * The main thread's side of a data-parallel run: it starts the replica threads
 * (replica-worker.ts), trains replica 0 itself, and hands out each step and each evaluation.
 *
 * A step: the batch goes into shared memory, the command out to every replica, then replica 0
 * computes its own slice while the others compute theirs; at the barrier it waits (without
 * blocking its event loop, so that a replica thread's death is heard) for every slot, and like
 * every replica adds them up and updates its weights (replica.ts).
 *
 * A replica that fails (an error in its step, its thread dying, its heap running out) fails the
 * run: the waiting is cut short and the step throws with that replica's message.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { BatchArrays } from '../../data/batches.ts';
import type { ImageSplit } from '../../data/dataset.ts';
import { StudioError } from '../../errors.ts';
import { predictRange, summarizePredictions } from '../../evaluate/evaluate-model.ts';
import type { Evaluation } from '../../evaluate/types.ts';
import { predictionsOf, shareSplit, sharePredictions, type ReplicaBackend, type ReplicaCommand, type ReplicaInit, type ReplicaMessage } from './protocol.ts';
import { dropoutLayers, Replica, sliceStarts, type StepCommand } from './replica.ts';
import { SharedStep } from './shared-step.ts';
import { trainableVariables } from './slice-gradients.ts';
import type { BatchStepper, StepOutcome, StepperOptions, StepRates } from './stepper.ts';

/** How long a replica thread may take to load its backend and build its model. */
const START_TIMEOUT_MS = 120_000;
/** How long the message of a replica that raised the failure flag may take to arrive. */
const FAILURE_MESSAGE_MS = 2000;
/** How long replicas get to stop by themselves at the end before they are terminated. */
const EXIT_GRACE_MS = 1000;

/**
 * Run from the TypeScript sources (tsx: the tests, `npm run`), a replica thread starts through
 * tsx's tsImport (Node 20's worker threads do not inherit the --import loader); built (dist/cli,
 * dist/electron), its entry is training-replica.js beside the code that starts it.
 */
const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * Where replica threads start from, when a test says otherwise: a fixture that arms a fault and
 * then runs replica-worker.ts (tests/train/fixtures/faulty-replica.ts). Null: the real entry.
 */
export const replicaThreadSource: { entry: URL | null } = { entry: null };

function startThread(init: ReplicaInit): Worker {
  const options = { workerData: init, transferList: [init.commands as unknown as ArrayBuffer] };
  if (!RUNNING_FROM_SOURCES) return new Worker(replicaThreadSource.entry ?? new URL('./training-replica.js', import.meta.url), options);
  const entry = (replicaThreadSource.entry ?? new URL('./replica-worker.ts', import.meta.url)).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** What createStepper is given, on a backend that runs in a JavaScript thread, with the replicas to start. */
export interface PoolOptions extends Omit<StepperOptions, 'backend' | 'threads'> {
  backend: ReplicaBackend;
  replicas: number;
}

interface Thread {
  worker: Worker;
  commands: MessagePort;
  exited: boolean;
}

export class ReplicaPool implements BatchStepper {
  readonly threads: number;
  private readonly shared: SharedStep;
  private readonly replica: Replica;
  private readonly workers: Thread[] = [];
  private commands = 0;
  private steps = 0;
  private disposed = false;
  /** The first failure, in words; rejects `failure` once. */
  private failureMessage: string | null = null;
  private rejectFailure!: (error: Error) => void;
  private readonly failure: Promise<never>;

  private constructor(private readonly options: PoolOptions) {
    this.threads = options.replicas;
    const { model, dataset } = options;
    const imageSize = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    this.shared = SharedStep.allocate({
      replicas: options.replicas,
      imageSize,
      classes: dataset.classNames.length,
      maxBatch: options.settings.batchSize,
      trainableValues: model.trainableWeights.reduce((sum, w) => sum + sizeOf(w.shape as number[]), 0),
      stateValues: model.nonTrainableWeights.reduce((sum, w) => sum + sizeOf(w.shape as number[]), 0),
    });
    this.replica = new Replica(options.tf, 0, model, options.optimizer, this.shared);
    this.failure = new Promise<never>((_, reject) => (this.rejectFailure = reject));
    this.failure.catch(() => {}); // observed by whoever awaits a step
  }

  /** Starts replicas 1 … N − 1 from replica 0's model and optimizer; resolves once all are ready. */
  static async start(options: PoolOptions): Promise<ReplicaPool> {
    const pool = new ReplicaPool(options);
    try {
      await pool.startThreads();
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  private async startThreads(): Promise<void> {
    const { model, optimizer, dataset } = this.options;
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const optimizerState = optimizer.exportState(trainableVariables(model));
    const ready: Promise<void>[] = [];
    for (let index = 1; index < this.options.replicas; index++) {
      const channel = new MessageChannel();
      const init: ReplicaInit = {
        index,
        replicas: this.options.replicas,
        backend: this.options.backend,
        graph: this.options.graph,
        settings: this.options.settings,
        learningRate: this.options.learningRate,
        weights,
        optimizerState,
        dataset: { name: dataset.name, shape: dataset.shape, classNames: dataset.classNames, normalization: dataset.normalization },
        buffers: this.shared.buffers,
        commands: channel.port2,
      };
      const worker = startThread(init);
      const thread: Thread = { worker, commands: channel.port1, exited: false };
      this.workers.push(thread);
      ready.push(this.watch(thread, index));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StudioError(`the training threads did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([Promise.all(ready), this.failure, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when the thread is ready; turns its failure or unexpected exit into the pool's failure. */
  private watch(thread: Thread, index: number): Promise<void> {
    return new Promise<void>((resolve) => {
      thread.worker.on('message', (message: ReplicaMessage) => {
        if (message.type === 'ready') resolve();
        else this.fail(index, message.message);
      });
      thread.worker.on('error', (error) => this.fail(index, `${error.name}: ${error.message.split('\n')[0]}`));
      thread.worker.on('exit', (code) => {
        thread.exited = true;
        if (!this.disposed) this.fail(index, `the thread stopped unexpectedly (exit code ${code})`);
      });
    });
  }

  private fail(index: number, message: string): void {
    if (this.failureMessage !== null) return;
    this.failureMessage = `training thread ${index + 1} of ${this.threads} failed: ${message}`;
    this.shared.fail(index);
    this.rejectFailure(new StudioError(this.failureMessage));
  }

  /** Sends a command to every replica thread and wakes them. */
  private command(command: ReplicaCommand): void {
    for (const thread of this.workers) thread.commands.postMessage(command);
    this.shared.announce();
    if (command.type !== 'exit') this.commands++;
  }

  /** Waits for every replica's arrival at the barrier of the current command. */
  private async allArrived(): Promise<void> {
    const arrived = await Promise.race([this.shared.arrivalsAsync(this.commands * this.threads), this.failure]);
    if (arrived) return;
    // A thread raised the failure flag; its message (or its exit) follows within moments.
    const failed = this.shared.failed() - 1;
    const timer = setTimeout(() => this.fail(failed, 'it stopped without saying why'), FAILURE_MESSAGE_MS);
    try {
      await this.failure;
    } finally {
      clearTimeout(timer);
    }
  }

  async step(batch: BatchArrays, rates: StepRates): Promise<StepOutcome> {
    if (this.failureMessage !== null) await this.failure;
    const set = this.steps++ & 1;
    const { shared } = this;
    shared.images.set(batch.images.subarray(0, batch.size * shared.layout.imageSize));
    shared.labels.set(batch.labels.subarray(0, batch.size * shared.layout.classes));
    const command: StepCommand = {
      type: 'step',
      set,
      batch: batch.size,
      starts: sliceStarts(batch.size, this.threads),
      rates,
      dropoutSeeds: dropoutLayers(this.options.model).map((layer) => layer.seed ?? null),
    };
    this.command(command);
    try {
      this.replica.computeSlice(command);
    } catch (error) {
      this.shared.fail(0);
      throw error;
    }
    this.shared.arrive();
    await this.allArrived();
    const { loss, correct } = this.replica.reduceAndApply(command);
    return { loss, accuracy: correct / batch.size };
  }

  async evaluate(split: ImageSplit, options: { logits: boolean; maxMisclassified?: number }): Promise<Evaluation> {
    if (this.failureMessage !== null) await this.failure;
    const { tf, model, dataset } = this.options;
    const sharedSplit = shareSplit(split);
    const out = sharePredictions(split.count);
    const starts = sliceStarts(split.count, this.threads);
    this.command({ type: 'evaluate', split: sharedSplit, out, starts, logits: options.logits });
    const predictions = predictionsOf(out);
    await predictRange(tf, model, dataset, split, [starts[0]!, starts[1]!], { logits: options.logits }, predictions);
    this.shared.tensors[0] = tf.memory().numTensors;
    this.shared.arrive();
    await this.allArrived();
    return summarizePredictions(dataset, split, predictions, options.maxMisclassified);
  }

  /** Live tensors over every replica, as of the last evaluation. */
  tensors(): number {
    return this.shared.tensors.reduce((sum, count) => sum + count, 0);
  }

  /** Asks the replica threads to stop, and terminates any still running a second later. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.command({ type: 'exit' });
    await Promise.all(
      this.workers.map(async (thread) => {
        if (thread.exited) return;
        const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), EXIT_GRACE_MS)));
        if ((await Promise.race([exited, late])) === 'late') await thread.worker.terminate();
        clearTimeout(timer);
        thread.commands.close();
      }),
    );
  }
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
