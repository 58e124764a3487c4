/**
 * The lines a PyTorch export with trained weights adds to the module file: `load_trained()`,
 * which builds the model and loads the weights saved beside the file (a NumPy .npz whose names
 * are the state dict's, so stock PyTorch and NumPy read it), and a self-test that runs the
 * inputs stored with the export and checks the studio's predictions for them.
 */

export interface TrainedWeightsFiles {
  /** The .npz of the state dict, beside the module file. */
  weights: string;
  /** The .npz of the known predictions: `inputs` (N, C, H, W), `outputs` the studio's, `labels`. */
  checks: string;
  /** Where the weights come from, for the docstring. */
  from: string;
}

/** Largest difference allowed between PyTorch's outputs and the studio's (float32 in both, other kernels). */
export const KNOWN_PREDICTION_TOLERANCE = 1e-4;

const INDENT = '    ';

export function weightsDocLines(files: TrainedWeightsFiles): string[] {
  return [
    `Trained weights: ${files.from}, in ${files.weights} beside this file; load_trained()`,
    `returns the model with them. Running this file checks the studio's predictions in ${files.checks}.`,
  ];
}

export function loaderLines(className: string, files: TrainedWeightsFiles): string[] {
  return [
    'def load_trained(path=None):',
    `${INDENT}"""The model with the weights exported beside this file, in eval mode."""`,
    `${INDENT}model = ${className}()`,
    `${INDENT}path = Path(path) if path else Path(__file__).with_name(${JSON.stringify(files.weights)})`,
    `${INDENT}with np.load(path) as arrays:`,
    `${INDENT}${INDENT}state = {name: torch.from_numpy(arrays[name]) for name in arrays.files}`,
    `${INDENT}model.load_state_dict(state, strict=True)`,
    `${INDENT}return model.eval()`,
  ];
}

/** The self-test: the studio's outputs for the stored inputs, to KNOWN_PREDICTION_TOLERANCE, and the same classes. */
export function knownPredictionLines(files: TrainedWeightsFiles, softmax: boolean): string[] {
  return [
    'model = load_trained()',
    `with np.load(Path(__file__).with_name(${JSON.stringify(files.checks)})) as known:`,
    `${INDENT}inputs, expected = torch.from_numpy(known["inputs"]), known["outputs"]`,
    'with torch.no_grad():',
    `${INDENT}got = model(inputs)${softmax ? '.exp()  # the studio gives probabilities' : ''}`,
    'got = got.numpy()',
    'worst = float(np.abs(got - expected).max())',
    `assert worst <= ${KNOWN_PREDICTION_TOLERANCE}, f"the outputs differ from the studio's by up to {worst:.2e}"`,
    'assert (got.argmax(1) == expected.argmax(1)).all(), "a predicted class differs from the studio\'s"',
    'print(f"{len(inputs)} known predictions match the studio\'s (largest difference {worst:.1e})")',
  ];
}
