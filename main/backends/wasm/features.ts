/**
 * Which WebAssembly features the runtime offers the generated kernels, detected once at start-up
 * with WebAssembly.validate on tiny probe modules:
 *  - SIMD (fixed-width, 128-bit): every supported Node.js and Electron has it.
 *  - Relaxed SIMD's fused multiply-add (f32x4.relaxed_madd): a·b + c in one instruction, which the
 *    hardware may round once (an FMA, on any x86-64 with FMA3 and on ARM64) or twice. The
 *    convolutions' inner loops are multiply-adds, and V8 runs them ~35 % faster fused. V8 ships
 *    relaxed SIMD from 11.4 (Electron 25 on); Node 20's V8 11.3 validates it only behind
 *    --experimental-wasm-relaxed-simd, which the training process gets in its execArgv
 *    (train/worker/link.ts) and which this module turns on itself where it runs without it (the
 *    flag is process-wide, so the training threads see it too).
 * Whichever instruction a machine uses, it uses it every time: a run repeats bit for bit there.
 */
import { setFlagsFromString } from 'node:v8';

/** (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)) */
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01,
  0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** (module (func (param v128 v128) (result v128) local.get 0 local.get 1 f32x4.add)) */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7b, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0b, 0x01, 0x09,
  0x00, 0x20, 0x00, 0x20, 0x01, 0xfd, 0xe4, 0x01, 0x0b,
]);

/** The V8 flag that enables relaxed SIMD in Node.js 20. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

export interface WasmFeatures {
  simd: boolean;
  /** f32x4.relaxed_madd validates: the kernels use fused multiply-adds. */
  fma: boolean;
}

let detected: WasmFeatures | undefined;
let fmaAllowed = true;

export function wasmFeatures(): WasmFeatures {
  if (detected) return { ...detected, fma: detected.fma && fmaAllowed };
  const simd = WebAssembly.validate(SIMD_PROBE);
  let fma = simd && WebAssembly.validate(RELAXED_MADD_PROBE);
  if (simd && !fma) {
    try {
      setFlagsFromString(RELAXED_SIMD_FLAG);
      fma = WebAssembly.validate(RELAXED_MADD_PROBE);
    } catch {
      fma = false;
    }
  }
  detected = { simd, fma };
  return { ...detected, fma: fma && fmaAllowed };
}

/**
 * Turns fused multiply-adds off (or back on) for kernels generated from now on: for tests that
 * compare the two, and measurements. Kernels already built keep what they were built with.
 */
export function setFmaAllowed(allowed: boolean): void {
  fmaAllowed = allowed;
}
