/**
 * A replica thread of a data-parallel run (replica-pool.ts starts it): its own TensorFlow.js with
 * its own single-threaded backend, the same model and optimizer as replica 0, set to replica 0's
 * weights. It then waits for commands (Atomics.wait on the shared sequence number) and runs each:
 * a training step on its slice of the batch (replica.ts), a part of an evaluation, or exit.
 *
 * Any error is reported once ({ type: 'failed' }) and raises the shared failure flag, which wakes
 * every replica waiting at a barrier; the thread then stops.
 */
import * as tfjs from '@tensorflow/tfjs';
import { receiveMessageOnPort, workerData, parentPort } from 'node:worker_threads';
import { analyzeGraph } from '../../analysis/analyze.ts';
import { loadBackend } from '../../backends/ladder.ts';
import type { ImageDataset } from '../../data/dataset.ts';
import { describeError } from '../../errors.ts';
import { predictRange } from '../../evaluate/evaluate-model.ts';
import { watchWasmHeap } from '../out-of-memory.ts';
import { buildTrainingModel } from '../training-model.ts';
import { trainableVariables } from './slice-gradients.ts';
import { predictionsOf, splitOf, type EvaluateCommand, type ReplicaCommand, type ReplicaInit, type ReplicaMessage } from './protocol.ts';
import { Replica } from './replica.ts';
import { SharedStep } from './shared-step.ts';

const init = workerData as ReplicaInit;
const shared = new SharedStep(init.buffers);
const post = (message: ReplicaMessage) => parentPort!.postMessage(message);
let describeFailure: (error: unknown) => string = describeError;

function fail(error: unknown): void {
  post({ type: 'failed', message: describeFailure(error) });
  shared.fail(init.index);
}

const nap = new Int32Array(new SharedArrayBuffer(4));

/** Waits up to a second for the command the sequence number announced (it is posted first). */
function nextCommand(): ReplicaCommand {
  for (let tries = 0; tries < 1000; tries++) {
    const received = receiveMessageOnPort(init.commands);
    if (received) return received.message as ReplicaCommand;
    Atomics.wait(nap, 0, 0, 1);
  }
  throw new Error('a command was announced but never arrived');
}

async function start(): Promise<Replica> {
  const backend = await loadBackend(init.backend, { wasmThreads: 1 });
  const heap = watchWasmHeap(backend);
  describeFailure = (error) => heap.describe(error) ?? describeError(error);
  const { tf } = backend;
  const { model, optimizer } = buildTrainingModel(tf, init.graph, analyzeGraph(init.graph), init.settings, init.learningRate);
  const weights = init.weights.map((values, i) => tf.tensor(values, model.weights[i]!.shape as number[]));
  model.setWeights(weights);
  tf.dispose(weights);
  optimizer.importState(trainableVariables(model), init.optimizerState);
  return new Replica(tf, init.index, model, optimizer, shared);
}

async function evaluate(replica: Replica, command: EvaluateCommand): Promise<void> {
  const start = command.starts[init.index]!;
  const end = command.starts[init.index + 1]!;
  const dataset: ImageDataset = { ...init.dataset, train: splitOf(command.split), test: splitOf(command.split) };
  if (end > start) {
    await predictRange(tfjs, replica.model, dataset, dataset.test, [start, end], { logits: command.logits, yieldBetween: false }, predictionsOf(command.out));
  }
  shared.tensors[init.index] = tfjs.memory().numTensors;
}

async function serve(replica: Replica): Promise<void> {
  let seen = 0;
  let commands = 0;
  for (;;) {
    seen = shared.waitForCommand(seen);
    if (shared.failed() !== 0) return;
    const command = nextCommand();
    if (command.type === 'exit') return;
    commands++;
    if (command.type === 'step') {
      replica.computeSlice(command);
      shared.arrive();
      if (!shared.waitForArrivals(commands * init.replicas)) return;
      replica.reduceAndApply(command);
    } else {
      await evaluate(replica, command);
      shared.arrive();
    }
  }
}

try {
  const replica = await start();
  post({ type: 'ready' });
  await serve(replica);
  replica.model.dispose();
  replica.optimizer.dispose();
} catch (error) {
  fail(error);
} finally {
  init.commands.close();
}
