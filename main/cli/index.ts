/** The `cnn-studio` command line. Every failure ends in a one-line message and an exit code, never a stack trace. */
import { Command, CommanderError } from 'commander';
import { EXIT_UNREADABLE, runSummary, type Output } from './summary-command.ts';

const io: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export function buildProgram(): Command {
  const program = new Command('cnn-studio')
    .description('Design, check and train small convolutional networks.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('summary')
    .description('print per-layer output shapes, parameters, receptive fields and MACs of a graph, Keras or TensorFlow.js model file')
    .argument('<file>', 'a CNN Studio graph (.json), a Keras model.to_json() file or a TensorFlow.js model.json')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      process.exitCode = await runSummary(file, options, io);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown option, missing argument, help).
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_UNREADABLE;
      return;
    }
    io.err(`error: ${(error as Error).message ?? String(error)}`);
    process.exitCode = EXIT_UNREADABLE;
  }
}
