/**
 * Reading an ONNX model file: its bytes (up to a size limit, checked before reading), decoded and
 * imported as a graph with its weights. Problems come back as lines naming the file, never throws.
 */
import { basename, extname } from 'node:path';
import { describeError, StudioError } from '../errors.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importOnnxModel } from '../import/onnx.ts';
import { decodeOnnx } from '../onnx/codec.ts';
import type { OnnxModel } from '../onnx/model.ts';
import type { GraphWeights } from '../weights/types.ts';
import { readNamedFile } from './regular-file.ts';

/** Far above any small CNN (round 10 is 44 KB, LeNet-5 250 KB); refuses a mistaken huge file before reading it. */
export const MAX_ONNX_FILE_BYTES = 256 * 1024 * 1024;

/** What an ONNX file brings besides its graph: its weights, or why they cannot start a training. */
export interface OnnxWeightsInfo {
  weights: GraphWeights | null;
  weightsProblem: string | null;
}

export type OnnxFileResult = { ok: true; graph: GraphDocument; notes: string[]; format: 'onnx'; onnx: OnnxWeightsInfo } | { ok: false; problems: string[] };

/** An ONNX file by its name; files of other names are told apart by their first byte (looksLikeOnnx). */
export function hasOnnxExtension(path: string): boolean {
  return extname(path).toLowerCase() === '.onnx';
}

/**
 * Whether bytes read from the start of a file look like an ONNX model rather than JSON: a
 * ModelProto starts with its ir_version, field 1 as a varint (byte 0x08).
 */
export function looksLikeOnnx(firstBytes: Uint8Array): boolean {
  return firstBytes[0] === 0x08;
}

/** The decoded model; throws a StudioError naming the file (a FileReadError, or what is wrong with its content). */
export async function readOnnxModel(path: string): Promise<OnnxModel> {
  const bytes = await readNamedFile(path, { maxBytes: MAX_ONNX_FILE_BYTES, limitName: 'ONNX models' });
  try {
    return decodeOnnx(bytes);
  } catch (error) {
    throw new StudioError(`cannot read ${path}: ${describeError(error)}`);
  }
}

/** An ONNX file's bytes imported as a graph with its weights. */
export function onnxFromBytes(bytes: Uint8Array, path: string): OnnxFileResult {
  let model: OnnxModel;
  try {
    model = decodeOnnx(bytes);
  } catch (error) {
    return { ok: false, problems: [`cannot read ${path}: ${describeError(error)}`] };
  }
  const imported = importOnnxModel(model, { fallbackName: basename(path, extname(path)) });
  if (!imported.ok) return { ok: false, problems: imported.problems.map((p) => `${path}: ${p}`) };
  return { ok: true, graph: imported.graph, notes: imported.notes, format: 'onnx', onnx: { weights: imported.weights, weightsProblem: imported.weightsProblem } };
}
