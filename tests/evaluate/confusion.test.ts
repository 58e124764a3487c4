import { describe, expect, it } from 'vitest';
import { confusionMatrix, perClassAccuracy } from '../../main/evaluate/confusion.ts';

describe('confusion matrix', () => {
  it('counts true class by row and prediction by column', () => {
    const matrix = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
    expect(matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('gives each class its own accuracy, and 0 for a class with no images', () => {
    const matrix = confusionMatrix([0, 0, 1], [0, 1, 1], 3);
    expect(perClassAccuracy(matrix, ['a', 'b', 'c'])).toEqual([
      { className: 'a', images: 2, accuracy: 0.5 },
      { className: 'b', images: 1, accuracy: 1 },
      { className: 'c', images: 0, accuracy: 0 },
    ]);
  });
});
