/** Everything that can be wrong before the first batch, each with a message a user can act on. */
import { formatCount, formatShape } from '../analysis/format.ts';
import type { GraphAnalysis } from '../analysis/types.ts';
import type { ImageDataset } from '../data/dataset.ts';
import { StudioError } from '../errors.ts';
import { validationCount, type TrainingSettings } from '../graph/training-settings.ts';

export class TrainingSetupError extends StudioError {
  override name = 'TrainingSetupError';
}

export function checkTrainingSetup(analysis: GraphAnalysis, dataset: ImageDataset, settings: TrainingSettings): void {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new TrainingSetupError(
      `the graph is not valid: ${first.nodeId ? `${first.nodeId}: ` : ''}${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    );
  }
  const input = analysis.inputShape!;
  if (formatShape(input) !== formatShape(dataset.shape)) {
    throw new TrainingSetupError(`the graph's input is ${formatShape(input)} but ${dataset.name} images are ${formatShape(dataset.shape)}; change the Input block to match`);
  }
  // Softmax over one class is always 1 and its cross-entropy always 0: nothing to learn, and tfjs
  // refuses the one-column targets with an error about binary matrices instead of saying so.
  if (dataset.classNames.length < 2) {
    throw new TrainingSetupError(
      `the dataset ${dataset.name} has ${dataset.classNames.length === 0 ? 'no classes' : `only one class, "${dataset.classNames[0]}"`}; a classifier needs at least 2 classes to tell apart`,
    );
  }
  const classes = analysis.outputShape![0]!;
  if (classes !== dataset.classNames.length) {
    throw new TrainingSetupError(`the graph ends in ${classes} class scores but ${dataset.name} has ${dataset.classNames.length} classes; change the last layer to ${dataset.classNames.length} outputs`);
  }
  const validation = validationCount(settings.validation, dataset.train.count);
  const training = dataset.train.count - validation;
  if (validation > 0 && training < 1) {
    throw new TrainingSetupError(
      `the validation split of ${formatCount(validation)} image${validation === 1 ? '' : 's'} leaves no images to train on (${dataset.name} has ${formatCount(dataset.train.count)} training images${settings.limit !== undefined ? ` within the limit of ${formatCount(settings.limit)}` : ''}); hold out fewer, or set validation to none`,
    );
  }
  if (settings.batchSize > training) {
    const held = validation > 0 ? ` left after holding out ${formatCount(validation)} for validation` : '';
    throw new TrainingSetupError(`the batch size ${formatCount(settings.batchSize)} is larger than the ${formatCount(training)} training images${held}`);
  }
  if (dataset.test.count === 0) throw new TrainingSetupError(`${dataset.name} has no test images to evaluate on`);
}
