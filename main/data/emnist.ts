/**
 * EMNIST (Cohen, Afshar, Tapson & van Schaik, "EMNIST: an extension of MNIST to handwritten
 * letters", 2017) ships in MNIST's IDX format with two differences the studio undoes:
 *
 * - Its images are stored transposed relative to MNIST's (each 28×28 image column by column), so
 *   loaded as they are, every character lies on its side, mirrored. They are transposed back.
 * - Its `letters` split labels the 26 letters 1–26, leaving 0 unused; the labels are shifted to
 *   0–25, so there is no empty class.
 *
 * The split is recognised by the file names the dataset is distributed with,
 * `emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte[.gz]`, and gives the class names:
 * the characters of the split's mapping (`emnist-<split>-mapping.txt`), as below.
 */

export interface EmnistLayout {
  /** The split's name as in the file names: byclass, bymerge, balanced, letters, digits, mnist. */
  split: string;
  /** The class names in label order; undefined for a split this table does not know (labels then name the classes). */
  classNames?: string[];
  /** The label of the first class: 1 for letters, 0 otherwise. */
  firstLabel: number;
}

const DIGITS = [...'0123456789'];
const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
/** Bymerge and balanced merge the 15 lower-case letters that look like their capitals (c i j k l m o p s u v w x y z). */
const UNMERGED_LOWER = [...'abdefghnqrt'];

const SPLITS: Record<string, Omit<EmnistLayout, 'split'>> = {
  byclass: { classNames: [...DIGITS, ...UPPER, ...LOWER], firstLabel: 0 },
  bymerge: { classNames: [...DIGITS, ...UPPER, ...UNMERGED_LOWER], firstLabel: 0 },
  balanced: { classNames: [...DIGITS, ...UPPER, ...UNMERGED_LOWER], firstLabel: 0 },
  // Upper and lower case together: the mapping file pairs label 1 with both "A" (65) and "a" (97).
  letters: { classNames: LOWER, firstLabel: 1 },
  digits: { classNames: DIGITS, firstLabel: 0 },
  mnist: { classNames: DIGITS, firstLabel: 0 },
};

/** The EMNIST layout a file name announces (`emnist-letters-train-images-idx3-ubyte.gz`), or undefined for any other name. */
export function emnistLayout(fileName: string): EmnistLayout | undefined {
  const match = /^emnist-([a-z]+)-(train|test)-(images|labels)/i.exec(fileName);
  if (!match) return undefined;
  const split = match[1]!.toLowerCase();
  const known = Object.hasOwn(SPLITS, split) ? SPLITS[split]! : { firstLabel: 0 };
  return { split, ...known };
}

/**
 * Transposes each of `count` images of `height × width × channels` bytes in place: pixel (y, x)
 * takes the value stored at (x, y). The images are then `width × height × channels`.
 */
export function transposeImages(pixels: Uint8Array, count: number, [height, width, channels]: [number, number, number]): void {
  const size = height * width * channels;
  const scratch = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    const image = pixels.subarray(i * size, (i + 1) * size);
    scratch.set(image);
    // Stored: row r of `height`, column c of `width`. Shown: row c, column r, rows `height` long.
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        for (let k = 0; k < channels; k++) image[(c * height + r) * channels + k] = scratch[(r * width + c) * channels + k]!;
      }
    }
  }
}
