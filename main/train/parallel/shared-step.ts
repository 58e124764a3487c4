/**
 * The memory the replicas of a data-parallel run share: a few control words, the batch, and one
 * slot per replica for its gradients, its BatchNorm statistics and its loss. Every replica (the
 * training process's main thread is replica 0, worker threads the others) builds the same views
 * onto the same SharedArrayBuffers.
 *
 * Slots come in two sets used on alternate steps: a replica that is still adding up the slots of
 * step k while another has already written its gradients of step k + 1 reads the other set. (No
 * replica can reach step k + 2 before every replica arrived at the barrier of step k + 1, after it
 * had read the slots of step k.)
 *
 * Waking and waiting go through Atomics on the control words: commands (sequence number), arrivals
 * at the barrier, and a failure flag that wakes everyone when a replica fails.
 */

/** Control words (Int32). */
export const SEQUENCE = 0;
export const ARRIVALS = 1;
/** 0, or the number (from 1) of the first replica that failed. */
export const FAILED = 2;
const CONTROL_WORDS = 4;

export interface StepLayout {
  replicas: number;
  /** Values in one image (height × width × channels) and the number of classes. */
  imageSize: number;
  classes: number;
  /** The largest batch a step carries. */
  maxBatch: number;
  /** Values of all trainable weights together, in `model.trainableWeights` order. */
  trainableValues: number;
  /** Values of all non-trainable weights (BatchNorm's moving statistics, frozen blocks). */
  stateValues: number;
}

/** The buffers behind a SharedStep; what is sent to a worker. */
export interface SharedStepBuffers {
  layout: StepLayout;
  control: SharedArrayBuffer;
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  gradients: SharedArrayBuffer;
  states: SharedArrayBuffer;
  results: SharedArrayBuffer;
  tensors: SharedArrayBuffer;
}

export class SharedStep {
  readonly layout: StepLayout;
  readonly control: Int32Array;
  /** The batch: `maxBatch × imageSize` normalised pixels and `maxBatch × classes` one-hot labels. */
  readonly images: Float32Array;
  readonly labels: Float32Array;
  private readonly gradients: Float32Array;
  private readonly states: Float32Array;
  /** Per set and replica: [loss share, correct images]. */
  private readonly results: Float64Array;
  /** Per replica: live tensors, written at each evaluation (memory must stay flat from epoch to epoch). */
  readonly tensors: Int32Array;

  constructor(readonly buffers: SharedStepBuffers) {
    this.layout = buffers.layout;
    this.control = new Int32Array(buffers.control);
    this.images = new Float32Array(buffers.images);
    this.labels = new Float32Array(buffers.labels);
    this.gradients = new Float32Array(buffers.gradients);
    this.states = new Float32Array(buffers.states);
    this.results = new Float64Array(buffers.results);
    this.tensors = new Int32Array(buffers.tensors);
  }

  static allocate(layout: StepLayout): SharedStep {
    const { replicas, imageSize, classes, maxBatch, trainableValues, stateValues } = layout;
    return new SharedStep({
      layout,
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      images: new SharedArrayBuffer(maxBatch * imageSize * 4),
      labels: new SharedArrayBuffer(maxBatch * classes * 4),
      gradients: new SharedArrayBuffer(2 * replicas * trainableValues * 4),
      states: new SharedArrayBuffer(2 * replicas * stateValues * 4),
      results: new SharedArrayBuffer(2 * replicas * 2 * 8),
      tensors: new SharedArrayBuffer(replicas * 4),
    });
  }

  /** Replica `replica`'s gradient slot in set `set` (0 or 1). */
  gradientSlot(set: number, replica: number): Float32Array {
    const n = this.layout.trainableValues;
    return this.gradients.subarray((set * this.layout.replicas + replica) * n, (set * this.layout.replicas + replica + 1) * n);
  }

  stateSlot(set: number, replica: number): Float32Array {
    const n = this.layout.stateValues;
    return this.states.subarray((set * this.layout.replicas + replica) * n, (set * this.layout.replicas + replica + 1) * n);
  }

  setResult(set: number, replica: number, loss: number, correct: number): void {
    const at = (set * this.layout.replicas + replica) * 2;
    this.results[at] = loss;
    this.results[at + 1] = correct;
  }

  result(set: number, replica: number): { loss: number; correct: number } {
    const at = (set * this.layout.replicas + replica) * 2;
    return { loss: this.results[at]!, correct: this.results[at + 1]! };
  }

  failed(): number {
    return Atomics.load(this.control, FAILED);
  }

  /** Marks replica `replica` as failed (the first failure wins) and wakes every waiter. */
  fail(replica: number): void {
    Atomics.compareExchange(this.control, FAILED, 0, replica + 1);
    Atomics.notify(this.control, ARRIVALS);
    Atomics.notify(this.control, SEQUENCE);
  }

  /** Counts this replica in at the barrier; returns the arrivals so far. */
  arrive(): number {
    const count = Atomics.add(this.control, ARRIVALS, 1) + 1;
    Atomics.notify(this.control, ARRIVALS);
    return count;
  }

  /**
   * Blocks until `target` arrivals, or until a replica failed (then false). Worker threads only:
   * the main thread must keep its event loop turning (`arrivalsAsync`).
   */
  waitForArrivals(target: number): boolean {
    for (;;) {
      if (this.failed() !== 0) return false;
      const count = Atomics.load(this.control, ARRIVALS);
      if (count >= target) return true;
      Atomics.wait(this.control, ARRIVALS, count);
    }
  }

  /** Resolves when `target` arrivals are in (true) or a replica failed (false), without blocking the thread. */
  async arrivalsAsync(target: number): Promise<boolean> {
    for (;;) {
      if (this.failed() !== 0) return false;
      const count = Atomics.load(this.control, ARRIVALS);
      if (count >= target) return true;
      const waiting = waitAsync(this.control, ARRIVALS, count);
      if (waiting.async) await waiting.value;
    }
  }

  /** Announces a new command to the workers. */
  announce(): void {
    Atomics.add(this.control, SEQUENCE, 1);
    Atomics.notify(this.control, SEQUENCE);
  }

  /** Blocks (worker threads) until the command sequence passes `seen`; returns the new sequence number. */
  waitForCommand(seen: number): number {
    for (;;) {
      const current = Atomics.load(this.control, SEQUENCE);
      if (current !== seen) return current;
      Atomics.wait(this.control, SEQUENCE, seen);
    }
  }
}

/** Atomics.waitAsync (ES2024; Node.js has it since 16), which the ES2022 library types lack. */
function waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> } {
  return (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync(array, index, value);
}
