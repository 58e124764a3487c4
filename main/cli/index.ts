/**
 * The `cnn-studio` command line. Every failure ends in a one-line message and an exit code, never a
 * stack trace. Each command's code is imported when that command runs, not before: in the build
 * (scripts/build-cli.ts) each sits in its own chunk, so `--help`, `summary` or `diff` never load
 * TensorFlow.js, which only training, evaluation and some exports need.
 */
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS } from '../backends/types.ts';
import { describeError } from '../errors.ts';
import { CLI_EXPORT_FORMATS, EXPORT_FORMAT_HELP, RUN_SORTS, type RunSort } from './choices.ts';
import type { ExportOptions } from './export-command.ts';
import { EXIT_OK, EXIT_UNREADABLE, type Output } from './output.ts';
import type { TrainCommandOptions } from './train-command.ts';
import type { EvalOptions } from './eval-command.ts';
import { parseAugment, parseInteger, parseMilestones, parseNumber, parseThreads, parseValidation, SCHEDULE_CHOICES } from './flag-parsers.ts';
import { MAX_THREADS } from '../train/thread-count.ts';

const io: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const backendOption = () =>
  new Option('--backend <name>', 'compute backend; auto takes the fastest that loads').choices([...BACKENDS, 'auto']).default('auto');

export function buildProgram(): Command {
  const program = new Command('cnn-studio')
    .description('Design, check and train small convolutional networks.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('summary')
    .description("print per-layer output shapes, parameters, receptive fields and MACs of a graph, Keras, TensorFlow.js or ONNX model file, or of a run's graph with the run's result")
    .argument('<file>', 'a CNN Studio graph (.json), a Keras model.to_json() file, a TensorFlow.js model.json, an ONNX model (.onnx), or a run folder')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { runSummary } = await import('./summary-command.ts');
      process.exitCode = await runSummary(file, options, io);
    });

  program
    .command('train')
    .description("train a graph on its dataset (MNIST by default), starting from the graph file's own training settings; or carry on a run with --resume")
    .argument('[graph]', 'a CNN Studio graph, Keras or TensorFlow.js model file (not with --resume)')
    .option('--resume <run-dir>', 'carry on a stopped or finished run from its last epoch, with its own graph and settings (only --epochs and --threads may change)')
    .option('--epochs <n>', 'number of epochs (with --resume: in all, counting those done)', parseInteger('--epochs'))
    .option('--batch <n>', 'batch size', parseInteger('--batch'))
    .option('--validation <n>', 'images held out of the training set to choose the best epoch on: auto (a twelfth, at most 5,000), a number, or none (choose on the test set)', parseValidation)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'adamw']))
    .option('--lr <rate>', 'learning rate: where every schedule starts, the peak for onecycle', parseNumber('--lr'))
    .option('--momentum <m>', 'SGD momentum', parseNumber('--momentum'))
    .option('--nesterov', 'Nesterov momentum (SGD)')
    .option('--beta1 <b>', 'Adam/AdamW: decay of the gradient mean', parseNumber('--beta1'))
    .option('--beta2 <b>', 'Adam/AdamW: decay of the squared gradient mean', parseNumber('--beta2'))
    .option('--eps <e>', 'Adam/AdamW: added to the root of the squared mean', parseNumber('--eps'))
    .option('--weight-decay <wd>', 'L2 penalty for sgd and adam (added to the gradient), decoupled decay for adamw', parseNumber('--weight-decay'))
    .option('--label-smoothing <e>', 'cross-entropy against (1 - e)·one-hot + e / classes', parseNumber('--label-smoothing'))
    .addOption(new Option('--init <name>', 'initial kernels (biases start at zero)').choices(['glorot', 'kaimingNormal', 'kaimingUniform']))
    .addOption(new Option('--schedule <type>', 'learning-rate schedule').choices(SCHEDULE_CHOICES))
    .option('--step-size <epochs>', 'step schedule: epochs between decays', parseInteger('--step-size'))
    .option('--gamma <g>', 'step and multistep schedules: factor at each decay', parseNumber('--gamma'))
    .option('--milestones <epochs>', 'multistep schedule: the epochs to decay at, "10,15"', parseMilestones)
    .option('--min-lr <rate>', 'cosine schedule: the rate it ends at; plateau schedule: the lowest rate', parseNumber('--min-lr'))
    .option('--max-lr <rate>', 'onecycle schedule: the peak learning rate (the same setting as --lr)', parseNumber('--max-lr'))
    .option('--pct-start <share>', 'onecycle schedule: share of the run spent rising to the peak', parseNumber('--pct-start'))
    .option('--div-factor <d>', 'onecycle schedule: the rate starts at the peak / d', parseNumber('--div-factor'))
    .option('--final-div-factor <d>', 'onecycle schedule: the rate ends at the start / d', parseNumber('--final-div-factor'))
    .option('--cycle-momentum', 'onecycle schedule: cycle the momentum (Adam: beta1) against the rate, as PyTorch does by default')
    .option('--no-cycle-momentum', 'onecycle schedule: keep the momentum fixed')
    .option('--base-momentum <m>', 'onecycle schedule with cycling: the momentum at the peak rate', parseNumber('--base-momentum'))
    .option('--max-momentum <m>', 'onecycle schedule with cycling: the momentum at the start and the end', parseNumber('--max-momentum'))
    .option('--factor <f>', 'plateau schedule: factor at each decay', parseNumber('--factor'))
    .option('--patience <epochs>', 'plateau schedule: epochs without a better validation loss before a decay', parseInteger('--patience'))
    .option('--warmup <epochs>', 'linear warm-up before the schedule, in epochs (may be fractional)', parseNumber('--warmup'))
    .option('--warmup-start-factor <f>', 'the warm-up starts at f × the rate', parseNumber('--warmup-start-factor'))
    .option(
      '--augment <spec>',
      'random augmentation of training images, replacing the file\'s: "rotate=DEGREES,shift=PIXELS,scale=SHARE,shear=DEGREES,erase=PROBABILITY,erase-area=LOW:HIGH,erase-ratio=LOW:HIGH" (any of them) or "none"',
      parseAugment,
    )
    .option('--seed <n>', 'seed for initialisation, shuffling, augmentation and dropout', parseInteger('--seed'))
    .option('--limit <n>', 'use only the first N training and test images', parseInteger('--limit'))
    .option('--dataset <name>', 'dataset to train on')
    .option('--weights <model.onnx>', 'start from the weights of an ONNX model (fine-tuning), matched to the blocks by name')
    .addOption(backendOption())
    .option('--threads <n>', "threads to train on (wasm and cpu backends); default: one per core (with --resume: the run's own)", parseThreads(MAX_THREADS))
    .option('--out <dir>', 'folder for run folders', 'runs')
    .option('--no-save', 'do not write a run folder')
    .option('--json', 'print the event stream as JSON lines instead of progress bars')
    .action(async (file: string | undefined, options: TrainCommandOptions) => {
      const { runTrain } = await import('./train-command.ts');
      process.exitCode = await runTrain(file, options, io);
    });

  program
    .command('eval')
    .description("reload a run's saved model and report its test accuracy")
    .argument('<run-dir>', 'a run folder written by cnn-studio train')
    .addOption(new Option('--model <which>', 'which saved model').choices(['best', 'last']).default('best'))
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (runDir: string, options: EvalOptions) => {
      const { runEval } = await import('./eval-command.ts');
      process.exitCode = await runEval(runDir, options, io);
    });

  program
    .command('runs')
    .description('list the runs in a runs folder with their parameters, best accuracies, train-test gap and time')
    .argument('[dir]', 'the runs folder', 'runs')
    .addOption(new Option('--sort <by>', 'sort order').choices([...RUN_SORTS]).default('started'))
    .option('--json', 'print as JSON')
    .action(async (dir: string, options: { sort: RunSort; json?: boolean }) => {
      const { runRuns } = await import('./runs-command.ts');
      process.exitCode = await runRuns(dir, options, io);
    });

  program
    .command('diff')
    .description('say which blocks were added, removed or changed between two designs (graph files or run folders)')
    .argument('<before>', 'a graph file or run folder')
    .argument('<after>', 'a graph file or run folder')
    .option('--json', 'print as JSON')
    .action(async (before: string, after: string, options: { json?: boolean }) => {
      const { runDiff } = await import('./diff-command.ts');
      process.exitCode = await runDiff(before, after, options, io);
    });

  program
    .command('export')
    .description("write a design or a run's trained model as PyTorch, Keras, ONNX or TensorFlow.js")
    .argument('<source>', 'a graph file (also Keras, TensorFlow.js or ONNX) or a run folder')
    .addOption(new Option('--format <format>', 'what to write (see below)').choices([...CLI_EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <path>', 'file or folder to write; code is printed when left out')
    .addOption(new Option('--model <which>', "a run's saved model to export").choices(['best', 'last']).default('best'))
    .option('--with-data', "pytorch-train: write the design's dataset beside the script, as IDX files")
    .addHelpText('after', `\nFormats:\n${EXPORT_FORMAT_HELP.replace(/^/gm, '  ')}`)
    .action(async (source: string, options: ExportOptions) => {
      const { runExport } = await import('./export-command.ts');
      process.exitCode = await runExport(source, options, io);
    });

  program
    .command('import')
    .description('turn a Keras model.to_json(), a TensorFlow.js model.json or an ONNX model into a CNN Studio graph')
    .argument('<file>', 'the Keras, TensorFlow.js or ONNX (.onnx) file')
    .option('--out <graph.json>', 'where to write the graph (default: print it)')
    .action(async (file: string, options: { out?: string }) => {
      const { runImport } = await import('./import-command.ts');
      process.exitCode = await runImport(file, options, io);
    });

  program
    .command('dataset')
    .description('show what a dataset holds: image shape, classes and counts per class, and any files skipped')
    .argument('<name>', `mnist, idx:FOLDER (four IDX files) or images:FOLDER[?size=HxW&grayscale=1] (one sub-folder per class)`)
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { runDataset } = await import('./dataset-command.ts');
      process.exitCode = await runDataset(name, options, io);
    });

  program
    .command('backends')
    .description('list the compute backends, which of them load here, and why the others do not')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const { runBackends } = await import('./backends-command.ts');
      process.exitCode = await runBackends(options, io);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`cnn-studio runs | head`) closes the pipe: that ends the command
  // quietly, as it does for any Unix tool, instead of an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown option, missing argument, help).
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_UNREADABLE;
      return;
    }
    io.err(`error: ${describeError(error)}`);
    process.exitCode = EXIT_UNREADABLE;
  }
}
