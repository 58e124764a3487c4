/**
 * The values of the CLI's choice options. They live apart from the commands so that the program
 * (main/cli/index.ts) can declare every option without loading any command's code.
 */

/** `cnn-studio runs --sort`. */
export const RUN_SORTS = ['started', 'validation', 'test', 'train', 'gap', 'params', 'macs', 'time', 'name'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

/** `cnn-studio export --format`: the design exports, plus `tfjs` for a run's trained model. */
export const CLI_EXPORT_FORMATS = ['pytorch', 'keras', 'keras-json', 'tfjs'] as const;
