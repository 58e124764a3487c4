/**
 * The values of the CLI's choice options. They live apart from the commands so that the program
 * (main/cli/index.ts) can declare every option without loading any command's code.
 */

/** `cnn-studio runs --sort`. */
export const RUN_SORTS = ['started', 'validation', 'test', 'train', 'gap', 'params', 'macs', 'time', 'name'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

/** `cnn-studio export --format`: the design exports, ONNX and the training script, plus `tfjs` for a run's trained model. */
export const CLI_EXPORT_FORMATS = ['pytorch', 'keras', 'keras-json', 'onnx', 'pytorch-train', 'tfjs'] as const;
export type CliExportFormat = (typeof CLI_EXPORT_FORMATS)[number];

/** For `export --help`: what each format writes, from a design and from a run. */
export const EXPORT_FORMAT_HELP = [
  'pytorch        a PyTorch nn.Module (.py); of a run with --out FOLDER: the module, its trained weights',
  '               (weights.npz) and known predictions its self-test checks (python model.py)',
  'keras          a Keras (TensorFlow 2) functional-API script (.py)',
  'keras-json     the Keras architecture JSON (model.to_json())',
  "onnx           an ONNX model (opset 13) with weights: a design's initial ones (seeded), a run's trained ones",
  "pytorch-train  a folder with train.py, the design's training in PyTorch for CUDA and torchrun; its",
  '               runs come back as run folders (--with-data writes the dataset beside it as IDX files)',
  "tfjs           a run's trained model in TensorFlow.js format (a folder)",
].join('\n');
