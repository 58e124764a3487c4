/** Confusion matrix and per-class accuracy from labels and predictions (pure arithmetic). */

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predictions[i]!]! += 1;
  return matrix;
}

export function perClassAccuracy(matrix: number[][], classNames: string[]): { className: string; images: number; accuracy: number }[] {
  return matrix.map((row, label) => {
    const images = row.reduce((a, b) => a + b, 0);
    return { className: classNames[label] ?? String(label), images, accuracy: images === 0 ? 0 : row[label]! / images };
  });
}
