/**
 * A minimal WebAssembly binary writer, enough to generate small SIMD kernels at run time: one
 * imported memory, functions with i32/f32/v128 locals, structured loops, scalar and 128-bit loads
 * and stores, and the handful of i32, f32 and f32x4/i32x4 instructions the kernels use.
 *
 * Encoding reference: the WebAssembly core specification (binary format, §5) and the fixed-width
 * SIMD proposal's opcode table (all SIMD instructions are 0xFD followed by a LEB128 opcode).
 * Every generated module is checked by WebAssembly.validate before use.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** SIMD opcodes used by the kernels (after the 0xFD prefix). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  i32x4Ne: 0x38,
  i32x4GeU: 0x40,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  i32x4Bitmask: 0xa4,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
  i32x4Mul: 0xb5,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Max: 0xe9,
  /** Relaxed SIMD: [a, b, c] → a·b + c, fused or not as the hardware does it. */
  f32x4RelaxedMadd: 0x105,
} as const;

/** Emits the body of one function; `local()` adds a local and returns its index. */
export class FunctionWriter {
  readonly code: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(
    readonly exportName: string,
    readonly params: ValueType[],
    readonly results: ValueType[] = [],
    /** Emit multiply-adds as relaxed SIMD's f32x4.relaxed_madd (features.ts says whether it validates). */
    readonly fma = false,
  ) {}

  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }
  f32(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.op(0x43, ...bytes);
  }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32RemU(): this { return this.op(0x70); }
  i32LtU(): this { return this.op(0x49); }
  i32GeU(): this { return this.op(0x4f); }
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb(offset)); }
  i32Load8U(offset = 0): this { return this.op(0x2d, 0, ...uleb(offset)); }
  i32Store8(offset = 0): this { return this.op(0x3a, 0, ...uleb(offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb(offset)); }
  drop(): this { return this.op(0x1a); }
  /** memory.copy (bulk memory): [dst, src, bytes] → []. */
  memoryCopy(): this { return this.op(0xfc, 10, 0, 0); }
  /** memory.fill (bulk memory): [dst, byte value, bytes] → []. */
  memoryFill(): this { return this.op(0xfc, 11, 0); }
  /** if (top of stack ≠ 0) { then() } else { otherwise() } */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  simd(opcode: number, ...immediates: number[]): this { return this.op(0xfd, ...uleb(opcode), ...immediates); }
  v128Load(offset = 0): this { return this.simd(SIMD.load, 4, ...uleb(offset)); }
  /** v128.const with four i32 lanes. */
  v128ConstI32(lanes: [number, number, number, number]): this {
    const bytes = new Uint8Array(new Int32Array(lanes).buffer);
    return this.simd(0x0c, ...bytes);
  }
  v128Store(offset = 0): this { return this.simd(SIMD.store, 4, ...uleb(offset)); }
  /** Loads one float and splats it to all four lanes. */
  v128Load32Splat(offset = 0): this { return this.simd(SIMD.load32Splat, 2, ...uleb(offset)); }

  /** a·b + c on f32x4 vectors, each operand pushed by its callback: one fused instruction with `fma`, else a multiply and an add. */
  mulAdd(a: () => void, b: () => void, c: () => void): this {
    a();
    b();
    if (this.fma) {
      c();
      return this.simd(SIMD.f32x4RelaxedMadd);
    }
    this.simd(SIMD.f32x4Mul);
    c();
    return this.simd(SIMD.f32x4Add);
  }

  /** i += step (i32 local). */
  add(i: number, step: number): this {
    return this.get(i).i32(step).i32Add().set(i);
  }

  /** while (counter < limit) { body(); counter += step } — counter and limit are i32 locals. */
  loopWhileBelow(counter: number, limit: number, step: number, body: () => void): this {
    this.op(0x02, 0x40); // block
    this.op(0x03, 0x40); // loop
    this.get(counter).get(limit).i32GeU().op(0x0d, 1); // br_if 1 (leave the block)
    body();
    this.add(counter, step);
    this.op(0x0c, 0); // br 0 (next iteration)
    this.op(0x0b, 0x0b); // end loop, end block
    return this;
  }

  encodeType(): number[] {
    return [0x60, ...vec(this.params.map((t) => [t])), ...vec(this.results.map((t) => [t]))];
  }

  encodeBody(): number[] {
    const groups: number[][] = [];
    for (const type of this.locals) groups.push([1, type]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module importing env.memory (shared or not) and exporting the given functions. */
export function writeModule(functions: FunctionWriter[], sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const limits = sharedMemory ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(functions.map((f) => f.encodeType()))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.encodeBody()))),
  ];
  return new Uint8Array(bytes);
}
