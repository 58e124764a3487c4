/**
 * Exporting a graph the analysis accepts as code and architecture files: a PyTorch `nn.Module`
 * source, a Keras functional-API script, and the Keras architecture JSON. Each throws
 * GraphNotExportableError, naming the graph's errors, for a graph the analysis rejects.
 * Nothing here touches Node.js modules, so the renderer can use it too.
 */
export { exportPyTorch, type PyTorchExportOptions } from './pytorch.ts';
export { exportKerasPython } from './keras-python.ts';
export { exportKerasJson, type KerasJson } from './keras-json.ts';
export { GraphNotExportableError } from './export-plan.ts';
export { pythonNames } from './python-names.ts';
