/**
 * Reading an ONNX model file: its bytes (up to a size limit, checked before reading), decoded and
 * imported as a graph with its weights. Problems come back as lines naming the file, never throws.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { describeError } from '../errors.ts';
import type { GraphDocument } from '../graph/types.ts';
import { importOnnxModel } from '../import/onnx.ts';
import { decodeOnnx } from '../onnx/codec.ts';
import type { OnnxModel } from '../onnx/model.ts';
import type { GraphWeights } from '../weights/types.ts';
import { describeFsError } from './fs-errors.ts';

/** Far above any small CNN (round 10 is 44 KB, LeNet-5 250 KB); refuses a mistaken huge file before reading it. */
export const MAX_ONNX_FILE_BYTES = 256 * 1024 * 1024;

export type OnnxFileResult =
  | { ok: true; graph: GraphDocument; notes: string[]; weights: GraphWeights | null; weightsProblem: string | null }
  | { ok: false; problems: string[] };

/** An ONNX file by its name; files of other names are told apart by their first byte (onnx-file-sniff). */
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

/** The decoded model; throws a StudioError (OnnxFormatError) or a file-system error. */
export async function readOnnxModel(path: string): Promise<OnnxModel> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  if (info.size > MAX_ONNX_FILE_BYTES) {
    throw new Error(`the file is ${Math.round(info.size / 1048576)} MiB; ONNX models above ${MAX_ONNX_FILE_BYTES / 1048576} MiB are refused`);
  }
  return decodeOnnx(await readFile(path));
}

export async function readOnnxFile(path: string): Promise<OnnxFileResult> {
  let model: OnnxModel;
  try {
    model = await readOnnxModel(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ? describeFsError(error) : describeError(error);
    return { ok: false, problems: [`cannot read ${path}: ${reason}`] };
  }
  const imported = importOnnxModel(model, { fallbackName: basename(path, extname(path)) });
  if (!imported.ok) return { ok: false, problems: imported.problems.map((p) => `${path}: ${p}`) };
  return { ok: true, graph: imported.graph, notes: imported.notes, weights: imported.weights, weightsProblem: imported.weightsProblem };
}
