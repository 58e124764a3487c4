/**
 * Saving and loading models in TensorFlow.js' LayersModel format (`model.json` + `weights.bin`)
 * on the local disk, for every backend: only tfjs-node has a file:// handler of its own.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import { StudioError } from '../errors.ts';
import { readJsonFile } from '../files/read-json-file.ts';
import { readNamedFile } from '../files/regular-file.ts';
import { writeAtomically } from '../files/write-atomically.ts';

const WEIGHTS_FILE = 'weights.bin';

/**
 * Writes the model into `folder`, making the folder but never its parent: a run folder deleted
 * while its run trains must not come back as a half folder holding only `models/` (its parent
 * missing is an ENOENT the caller reports).
 */
export async function saveModel(tf: TensorFlow, model: tfjs.LayersModel, folder: string): Promise<void> {
  await makeFolder(folder);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      const bytes = weights === undefined ? new ArrayBuffer(0) : Array.isArray(weights) ? tf.io.concatenateArrayBuffers(weights) : weights;
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      // Each file is replaced whole (a kill mid-save leaves the previous epoch's file). Within a run
      // the topology never changes, so any model.json pairs with any complete weights.bin.
      await writeAtomically(join(folder, WEIGHTS_FILE), new Uint8Array(bytes));
      await writeAtomically(join(folder, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** mkdir without `recursive`: fails when the parent is gone, and a folder already there is fine. */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Loads the model saved in `folder`. The weight files its manifest names must be plain file names
 * in that folder: a manifest that names "../../x" or "/etc/x" is refused, not followed.
 */
export async function loadModel(tf: TensorFlow, folder: string): Promise<tfjs.LayersModel> {
  const modelJson = (await readJsonFile(join(folder, 'model.json'))) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(
    modelJson.weightsManifest.flatMap((group) => group.paths).map(async (path) => {
      if (typeof path !== 'string' || path === '' || basename(path) !== path || path === '..' || path === '.') {
        throw new StudioError(`${join(folder, 'model.json')} names a weights file outside its folder; only file names in the folder are read`);
      }
      const bytes = await readNamedFile(join(folder, path));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }),
  );
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: tf.io.concatenateArrayBuffers(buffers) }),
  );
}
