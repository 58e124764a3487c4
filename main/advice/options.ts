/**
 * The thresholds behind the advice, with defaults calibrated on the MNIST journey
 * (../shared/journey.md), the one dataset the studio ships. Each says which round it comes from.
 */
export interface AdviceOptions {
  /**
   * heavy-layer: share of all trainable parameters above which a layer that collapses a feature
   * map into class scores (a k×k conv whose kernel covers the whole map, or Dense after Flatten)
   * is flagged. Round 5's final 7×7 conv holds 40 %, rounds 3–4's 45 %.
   */
  heavyLayerShare: number;
  /**
   * heavy-layer: share above which any other layer is flagged. Higher than heavyLayerShare because
   * in a small network the widest 3×3 conv holds a third to a half of the parameters by design
   * (rounds 6–10: 33–47 %); round 1's 1,024-filter conv holds 74 %.
   */
  dominantLayerShare: number;
  /** first-pool-receptive-field: size in pixels of the strokes that matter, about 5×5 on MNIST's 28×28 images (round 8); the rule judges only 28×28 inputs. */
  objectSize: number;
  /** first-pool-receptive-field: a field more than this factor smaller or larger than objectSize is "far off". */
  objectSizeTolerance: number;
  /** over-fitting: train minus test accuracy (a fraction: 0.01 = 1 percentage point) above which a run over-fits. */
  overfitGap: number;
  /**
   * over-fitting: also flagged when the test set has this many times the training set's error
   * rate, provided the gap exceeds overfitMinGap. At 99 % accuracy a gap of half a point is
   * already twice the errors: round 7 (99.71 / 99.30) is the over-fitting round 8 cured, yet its
   * gap is only 0.41 points.
   */
  overfitErrorRatio: number;
  /** over-fitting: smallest gap the error-ratio test accepts; 0.2 points is twice the noise of a 10,000-image test set at 99 %. */
  overfitMinGap: number;
  /**
   * under-fitting: train accuracy at the end below which the network does not even fit its
   * training images. The journey's weakest round still reaches 98.88 % (round 9, with dropout
   * and rotation); a plain small CNN passes 97 % on MNIST within two epochs.
   */
  underfitAccuracy: number;
  /** under-fitting: the accuracy test waits for runs of at least this many epochs; early epochs are expected to be low. */
  underfitMinEpochs: number;
  /** over- and under-fitting: how many of the last epochs are averaged. */
  lastEpochs: number;
}

export const DEFAULT_ADVICE_OPTIONS: Readonly<AdviceOptions> = Object.freeze({
  heavyLayerShare: 0.3,
  dominantLayerShare: 0.5,
  objectSize: 5,
  objectSizeTolerance: 2,
  overfitGap: 0.01,
  overfitErrorRatio: 2,
  overfitMinGap: 0.002,
  underfitAccuracy: 0.95,
  underfitMinEpochs: 5,
  lastEpochs: 3,
});

/** Defaults for whatever is not given; values that are not finite numbers fall back to the default too. */
export function resolveAdviceOptions(options: Partial<AdviceOptions> = {}): AdviceOptions {
  const resolved = { ...DEFAULT_ADVICE_OPTIONS };
  for (const key of Object.keys(resolved) as (keyof AdviceOptions)[]) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) resolved[key] = value;
  }
  return resolved;
}
