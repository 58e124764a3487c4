/** Short training runs for tests: MNIST cut to a few hundred images, settings a test can read. */
import { trainingSettingsSchema, type TrainingSettings, type TrainingSettingsInput } from '../../main/graph/training-settings.ts';

export function quickSettings(overrides: TrainingSettingsInput = {}): TrainingSettings {
  return trainingSettingsSchema.parse({ epochs: 3, batchSize: 32, learningRate: 0.05, limit: 640, seed: 3, ...overrides });
}
