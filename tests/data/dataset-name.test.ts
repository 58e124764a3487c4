/** The one grammar of dataset names: each accepted name has one reading, and reads back as itself. */
import { describe, expect, it } from 'vitest';
import { describeDatasetName, formatDatasetName, parseDatasetName, UnknownDatasetError } from '../../main/data/dataset-name.ts';

describe('dataset names', () => {
  it.each([
    ['mnist', { kind: 'built-in', name: 'mnist' }],
    ['MNIST', { kind: 'built-in', name: 'mnist' }],
    ['idx:data/fashion', { kind: 'idx', folder: 'data/fashion' }],
    ['IDX:/abs/emnist', { kind: 'idx', folder: '/abs/emnist' }],
    ['images:shapes', { kind: 'images', folder: 'shapes', options: {} }],
    ['images:a&b=c', { kind: 'images', folder: 'a&b=c', options: {} }],
    ['images:/x/y?size=28x32&grayscale=1', { kind: 'images', folder: '/x/y', options: { size: [28, 32], grayscale: true } }],
    ['images:pets?grayscale=false', { kind: 'images', folder: 'pets', options: { grayscale: false } }],
  ] as const)('reads %s one way', (name, expected) => {
    expect(parseDatasetName(name)).toEqual(expected);
  });

  it.each([
    // The attack: "q?" is a folder, and the name was checked as one folder and opened as another.
    ['images:q?/../../outside?size=8x8', 'the options for q contain a second "?"; a dataset name has one "?", before its options, and a folder name may not contain one'],
    ['images:q?/../../outside', 'what follows the "?" after q is a path, not options; a dataset name\'s "?" starts its options, so a folder name may not contain one'],
    ['idx:q?/../../outside', 'the folder in "idx:q?/../../outside" contains "?", which starts a dataset name\'s options; a folder whose name holds "?" cannot be named here, rename it'],
    ['idx:data?size=8x8', 'the folder in "idx:data?size=8x8" contains "?"'],
    ['images:shapes?', 'nothing follows the "?" after shapes'],
    ['images:shapes?size=8x8&size=9x9', 'the option size is given twice for the image folder shapes'],
    ['images:shapes?size=8x8&grayscale=1&grayscale=0', 'the option grayscale is given twice'],
    ['images:shapes?size=big', 'the size "big" for shapes should read HEIGHTxWIDTH'],
    ['images:shapes?size=0x8', 'should read HEIGHTxWIDTH'],
    ['images:shapes?colour=1', 'unknown option "colour" for the image folder shapes'],
    ['images:shapes?size', 'the size "" for shapes should read HEIGHTxWIDTH'],
    ['images:', '"images:" names no folder; write images:<folder>'],
    ['idx:', '"idx:" names no folder'],
    ['images:?size=8x8', 'names no folder'],
    ['idx:a\0b', 'contains a zero character'],
    ['cifar10', 'unknown dataset "cifar10"; use one of: mnist, idx:<folder>, images:<folder>[?size=HxW&grayscale=1]'],
    ['__proto__', 'unknown dataset "__proto__"'],
    ['C:\\data', 'unknown dataset "C:\\\\data"'],
  ])('refuses %s in one line', (name, message) => {
    expect(() => parseDatasetName(name)).toThrow(UnknownDatasetError);
    expect(() => parseDatasetName(name)).toThrow(message);
    try {
      parseDatasetName(name);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('writes names that read back as the same dataset', () => {
    for (const name of ['mnist', 'idx:/data/fashion', 'images:/data/pets', 'images:/data/pets?size=28x28', 'images:/data/pets?size=3x4&grayscale=0', 'images:/x&y=z?grayscale=1']) {
      const parsed = parseDatasetName(name);
      expect(formatDatasetName(parsed)).toBe(name);
      expect(parseDatasetName(formatDatasetName(parsed))).toEqual(parsed);
    }
  });

  it('refuses to write a name whose folder holds a "?", which would read back as another', () => {
    expect(() => formatDatasetName({ kind: 'idx', folder: '/work/q?/data' })).toThrow(/contains "\?"/);
    expect(() => formatDatasetName({ kind: 'images', folder: '/work/q?/x', options: { size: [8, 8] } })).toThrow(/contains "\?"/);
  });

  it('says a name as the status line does, read by the same parser (the status line had a second one)', () => {
    expect(describeDatasetName('mnist')).toBe('MNIST');
    expect(describeDatasetName('MNIST')).toBe('MNIST');
    expect(describeDatasetName('idx:/data/fashion')).toBe('the IDX files in /data/fashion');
    expect(describeDatasetName('IDX:/data/fashion')).toBe('the IDX files in /data/fashion');
    expect(describeDatasetName('Images:/data/pets?size=28x28&grayscale=1')).toBe('the images in /data/pets');
    // No single reading: shown as written, and loading it says why.
    expect(describeDatasetName('images:/work/q?/x?size=8x8')).toBe('images:/work/q?/x?size=8x8');
    expect(describeDatasetName('cifar')).toBe('cifar');
  });
});
