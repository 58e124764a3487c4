/**
 * Writing the PyTorch training script (export/training/script.ts) into a folder, with the data
 * when asked: MNIST's or an IDX dataset's four files (gzipped), or an image-folder dataset as the
 * studio reads it (resized, split, its classes in order) written out as IDX files, so that the
 * script, which reads IDX files only, trains on exactly the studio's images.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDatasetName, type DatasetName } from '../data/dataset-name.ts';
import type { ImageSplit } from '../data/dataset.ts';
import { openDataset } from '../data/datasets.ts';
import { findIdxFiles } from '../data/idx-folder.ts';
import { MNIST_NORMALIZATION, mnistFolder } from '../data/mnist.ts';
import { StudioError } from '../errors.ts';
import { GraphNotExportableError } from '../export/export-plan.ts';
import { exportTrainingScript, type TrainingDataset } from '../export/training/script.ts';
import { trainingSettingsSchema, type TrainingSettings } from '../graph/training-settings.ts';
import type { GraphDocument } from '../graph/types.ts';
import { readNamedFile } from './regular-file.ts';
import { writeAtomically } from './write-atomically.ts';

export const TRAINING_SCRIPT = 'train.py';
/** Where `--with-data` puts the dataset, inside the export folder. */
export const DATA_FOLDER = 'data';

export interface TrainingScriptExport {
  files: string[];
  /** The dataset, in words. */
  dataset: string;
}

/**
 * train.py's text for the design and its own training settings, and the dataset in words. An
 * image-folder dataset needs `withData` (the script reads IDX files, which the export then writes).
 */
export function trainingScript(graph: GraphDocument, options: { withData?: boolean } = {}): { script: string; dataset: string } {
  const settings: TrainingSettings = graph.training ?? trainingSettingsSchema.parse({});
  const name = parseDatasetName(settings.dataset);
  if (name.kind === 'images' && !options.withData) {
    throw new StudioError(
      `the design trains on the image folder ${name.folder}, which the script reads as IDX files: export with --with-data to write them (the studio's own resizing and split)`,
    );
  }
  const dataset: TrainingDataset = {
    description: describe(name),
    normalization: name.kind === 'built-in' ? MNIST_NORMALIZATION : null,
    ...(options.withData ? { copiedTo: DATA_FOLDER } : {}),
  };
  try {
    return { script: exportTrainingScript({ graph, settings, dataset }), dataset: dataset.description };
  } catch (error) {
    if (error instanceof GraphNotExportableError) throw new StudioError(error.message);
    throw error;
  }
}

/** Writes train.py (and with `withData` the data) into `folder`. */
export async function writeTrainingScript(folder: string, graph: GraphDocument, options: { withData?: boolean } = {}): Promise<TrainingScriptExport> {
  const { script, dataset } = trainingScript(graph, options);
  const name = parseDatasetName((graph.training ?? trainingSettingsSchema.parse({})).dataset);
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  if (options.withData) files.push(...(await writeData(join(folder, DATA_FOLDER), name)));
  const path = join(folder, TRAINING_SCRIPT);
  await writeAtomically(path, script);
  return { files: [path, ...files], dataset };
}

function describe(name: DatasetName): string {
  if (name.kind === 'built-in') return 'MNIST, from its four IDX files';
  if (name.kind === 'idx') return `the IDX dataset ${basename(name.folder)}`;
  return `the image folder ${basename(name.folder)}, as IDX files the studio wrote`;
}

/** The dataset's four IDX files, gzipped, in `folder`. */
async function writeData(folder: string, name: DatasetName): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  if (name.kind === 'images') {
    const { dataset } = await openDataset(name);
    const written: string[] = [];
    for (const [split, prefix] of [[dataset.train, 'train'], [dataset.test, 't10k']] as const) {
      written.push(await writeIdx(join(folder, `${prefix}-images-idx3-ubyte.gz`), imagesIdx(split, dataset.shape)));
      written.push(await writeIdx(join(folder, `${prefix}-labels-idx1-ubyte.gz`), labelsIdx(split)));
    }
    return written;
  }
  const source = name.kind === 'built-in' ? mnistFolder() : name.folder;
  const files = await findIdxFiles(source);
  const written: string[] = [];
  for (const path of [files.trainImages, files.trainLabels, files.testImages, files.testLabels]) {
    const target = join(folder, basename(path).endsWith('.gz') ? basename(path) : `${basename(path)}.gz`);
    if (path.endsWith('.gz')) await copyFile(path, target);
    else await writeIdx(target, await readNamedFile(path));
    written.push(target);
  }
  return written;
}

async function writeIdx(path: string, bytes: Uint8Array): Promise<string> {
  await writeAtomically(path, gzipSync(bytes));
  return path;
}

/** IDX header: two zero bytes, the type (0x08, unsigned byte), the rank, then each dimension as a big-endian uint32. */
function idxHeader(dims: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return header;
}

function imagesIdx(split: ImageSplit, [height, width, channels]: [number, number, number]): Uint8Array {
  const dims = channels === 1 ? [split.count, height, width] : [split.count, height, width, channels];
  return concat(idxHeader(dims), split.pixels.subarray(0, split.count * height * width * channels));
}

function labelsIdx(split: ImageSplit): Uint8Array {
  return concat(idxHeader([split.count]), split.labels.subarray(0, split.count));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
