/**
 * `npm run bench`: the project's speed figures, as tables or, with --json, as JSON.
 * Timings belong here rather than in tests, where a busy machine would make them flaky.
 *
 *   npm run bench                          everything
 *   npm run bench -- --only analysis       the graph analysis only
 *   npm run bench -- --only refusals       how fast oversized inputs are refused
 *   npm run bench -- --only cancel         how long Stop takes, from cancel to the cancelled event
 *   npm run bench -- --only cli            how long the cnn-studio command takes to start
 *   npm run bench -- --only layout         the canvas: auto-layout, inserting a block, routing connections
 *   npm run bench -- --backends wasm,cpu   training on these backends only
 *   npm run bench -- --profile             only where a round-10 training step spends its time on
 *                                          wasm, kernel by kernel
 */
import { cpus, totalmem } from 'node:os';
import Table from 'cli-table3';
import { BACKENDS, type BackendName } from '../../main/backends/ladder.ts';
import { formatCount } from '../../main/analysis/format.ts';
import { runAnalysisBench } from './analysis-bench.ts';
import { runCancelBench } from './cancel-bench.ts';
import { runCliBench } from './cli-bench.ts';
import { runKernelProfile } from './kernel-profile.ts';
import { runLayoutBench } from './layout-bench.ts';
import { runRefusalBench } from './refusal-bench.ts';
import { runTrainBench } from './train-bench.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = valueOf('--only');
const backends = (valueOf('--backends')?.split(',') ?? [...BACKENDS]) as BackendName[];
const unknown = backends.filter((name) => !BACKENDS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`error: unknown backend ${unknown.join(', ')}; choose from ${BACKENDS.join(', ')}\n`);
  process.exit(2);
}

if (args.includes('--profile')) {
  const profile = await runKernelProfile();
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine: machine(), profile }, null, 2)}\n`);
  } else {
    const total = profile.kernels.reduce((sum, kernel) => sum + kernel.ms, 0);
    // Some forty kernels: no rule between rows.
    const table = new Table({ head: ['Kernel', 'Calls', 'Time', 'Share'], colAligns: ['left', 'right', 'right', 'right'], style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    for (const kernel of profile.kernels) table.push([kernel.name, formatCount(kernel.calls), ms(kernel.ms), `${((kernel.ms / total) * 100).toFixed(1)} %`]);
    table.push(['all kernels', formatCount(profile.kernels.reduce((sum, kernel) => sum + kernel.calls, 0)), ms(total), '100.0 %']);
    process.stdout.write(
      `${machine()}\n\nOne training step of journey round 10 on wasm (${profile.detail}), batch ${profile.batchSize}, mean of ${profile.steps} steps after warm-up:\n` +
        `${table.toString()}\nThe step itself: ${ms(profile.stepMs)}; the rest is the engine, the optimizer's bookkeeping and the timers.\n`,
    );
  }
  process.exit(0);
}

const analysis = only === undefined || only === 'analysis' ? runAnalysisBench() : [];
const refusals = only === undefined || only === 'refusals' ? await runRefusalBench() : [];
const training = only === undefined || only === 'training' ? await runTrainBench(backends) : [];
const cancel = only === undefined || only === 'cancel' ? await runCancelBench() : [];
const cli = only === undefined || only === 'cli' ? await runCliBench() : [];
const layout = only === undefined || only === 'layout' ? await runLayoutBench() : [];

if (json) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), analysis, refusals, training, cancel, cli, layout }, null, 2)}
`);
} else {
  process.stdout.write(`${machine()}\n\n`);
  if (analysis.length > 0) {
    const table = new Table({
      head: ['Graph', 'Blocks', 'Analyse median', 'Analyse p99', 'Load + validate median'],
      colAligns: ['left', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [] },
    });
    for (const row of analysis) table.push([row.graph, row.nodes, ms(row.analyseMedianMs), ms(row.analyseP99Ms), ms(row.loadMedianMs)]);
    process.stdout.write(`Graph analysis (the live counters), one call:\n${table.toString()}\n\n`);
  }
  if (layout.length > 0) {
    const table = new Table({
      head: ['Graph', 'Blocks', 'Auto-layout median', 'Insert median', 'Route all median'],
      colAligns: ['left', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [] },
    });
    for (const row of layout) table.push([row.graph, row.nodes, ms(row.layoutMedianMs), ms(row.insertMedianMs), ms(row.routeMedianMs)]);
    process.stdout.write(`The canvas (layout with elkjs, a block inserted into a chain, connections routed):\n${table.toString()}\n\n`);
  }
  if (refusals.length > 0) {
    const table = new Table({ head: ['Input', 'Median', 'Outcome'], colAligns: ['left', 'right', 'left'], style: { head: [], border: [] }, wordWrap: true, colWidths: [44, 12, 60] });
    for (const row of refusals) table.push([row.input, ms(row.medianMs), row.outcome]);
    process.stdout.write(`Oversized inputs, refused:\n${table.toString()}\n\n`);
  }
  if (training.length > 0) {
    const table = new Table({
      head: ['Backend', 'Train images/s', 'Step (batch 64)', 'Inference images/s', 'Peak memory', 'Status'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [] },
      wordWrap: true,
      colWidths: [10, 16, 17, 20, 13, 50],
    });
    for (const row of training) {
      table.push([
        row.backend,
        row.trainImagesPerSecond === null ? '–' : formatCount(row.trainImagesPerSecond),
        row.trainStepMs === null ? '–' : ms(row.trainStepMs),
        row.inferenceImagesPerSecond === null ? '–' : formatCount(row.inferenceImagesPerSecond),
        row.peakMemoryMiB === null ? '–' : `${formatCount(row.peakMemoryMiB)} MiB`,
        row.available ? row.detail : `unavailable: ${row.detail}`,
      ]);
    }
    process.stdout.write(`Training journey round 10 (9,896 parameters), batch 64, MNIST:\n${table.toString()}\n`);
  }
  if (cancel.length > 0) {
    const table = new Table({ head: ['Stop pressed', 'Cancel → cancelled event', 'Slowest', 'Final event'], colAligns: ['left', 'left', 'right', 'left'], style: { head: [], border: [] } });
    for (const row of cancel) table.push([row.moment, row.latenciesMs.map((v) => `${Math.round(v)} ms`).join(', '), `${Math.round(Math.max(...row.latenciesMs))} ms`, row.outcome]);
    process.stdout.write(`\nCancelling a training run (journey round 10, wasm, batch 256):\n${table.toString()}\n`);
  }
  if (cli.length > 0) {
    const table = new Table({ head: ['Command', 'Median', 'Fastest', 'Slowest', 'CPU (mean)'], colAligns: ['left', 'right', 'right', 'right', 'right'], style: { head: [], border: [] } });
    for (const row of cli) table.push([row.command, ms(row.medianMs), ms(row.minMs), ms(row.maxMs), row.cpuMs === null ? '–' : ms(row.cpuMs)]);
    process.stdout.write(`\nStarting the built CLI, whole process, wall time, ${cli[0]!.runs} runs each from a folder outside the checkout:\n${table.toString()}\n`);
  }
}

function valueOf(flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${formatCount(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 3 : 1)} ms`;
}
