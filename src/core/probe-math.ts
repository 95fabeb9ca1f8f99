/**
 * The arithmetic behind the GPU probe, pure and testable without a GPU: summaries of repeated
 * samples, unit conversions, CPU references for each kernel, and the check that compares them.
 */
import type { ProbeCheck } from '../shared/engine-api.js';

/** @2 names a summary's sample count `n`, as every other figure does (@1 called it `runs`). */
export const PROBE_SCHEMA = 'edge-llm/probe@2' as const;

/** GB/s (10^9 bytes per second) for `bytes` moved in `ms` milliseconds. */
export function gbPerSecond(bytes: number, ms: number): number {
  return ms > 0 ? bytes / (ms * 1e6) : 0;
}

/** GFLOP/s for `flops` operations in `ms` milliseconds. */
export function gflopPerSecond(flops: number, ms: number): number {
  return ms > 0 ? flops / (ms * 1e6) : 0;
}

/** Operations of an M×K by K×N matrix product: one multiply and one add per term. */
export function matmulFlops(m: number, n: number, k: number): number {
  return 2 * m * n * k;
}

/** A small deterministic generator (mulberry32) of values in [-1, 1), for kernel inputs. */
export function seededValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** C = A·B for row-major A (M×K) and B (K×N), accumulated in double precision. */
export function matmulF32(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let row = 0; row < m; row++) {
    for (let col = 0; col < n; col++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += a[row * k + i]! * b[i * n + col]!;
      c[row * n + col] = sum;
    }
  }
  return c;
}

/** Weights per 4-bit group: one f32 scale per 32 consecutive values along K. */
export const Q4_GROUP = 32;

/**
 * Packs 4-bit codes (0..15) of a row-major rows×cols matrix, 8 per u32 along K: value k of a row
 * sits in word k/8 at bits 4·(k mod 8) (the lowest nibble first). `cols` must be a multiple of 8.
 */
export function packQ4(codes: ArrayLike<number>, rows: number, cols: number): Uint32Array {
  if (cols % 8 !== 0) throw new RangeError(`cols (${cols}) must be a multiple of 8`);
  const words = new Uint32Array((rows * cols) / 8);
  for (let i = 0; i < rows * cols; i++) {
    const code = codes[i]!;
    if (!(code >= 0 && code <= 15)) throw new RangeError(`code ${code} at ${i} is not 4-bit`);
    words[i >> 3] = (words[i >> 3]! | (code << ((i & 7) * 4))) >>> 0;
  }
  return words;
}

/** Weight (row, k) of a packed matrix: (nibble − 8) × the scale of its group of 32 along K. */
export function dequantizeQ4(packed: Uint32Array, scales: Float32Array, rows: number, cols: number): Float32Array {
  if (cols % Q4_GROUP !== 0) throw new RangeError(`cols (${cols}) must be a multiple of ${Q4_GROUP}`);
  const out = new Float32Array(rows * cols);
  const groups = cols / Q4_GROUP;
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < cols; k++) {
      const i = row * cols + k;
      const nibble = (packed[i >> 3]! >>> ((i & 7) * 4)) & 0xf;
      out[i] = (nibble - 8) * scales[row * groups + Math.floor(k / Q4_GROUP)]!;
    }
  }
  return out;
}

/** y = W·x for a packed 4-bit W (rows×cols), accumulated in double precision. */
export function matvecQ4(
  packed: Uint32Array,
  scales: Float32Array,
  x: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  const weights = dequantizeQ4(packed, scales, rows, cols);
  const y = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += weights[row * cols + k]! * x[k]!;
    y[row] = sum;
  }
  return y;
}

/** Bytes a 4-bit mat-vec reads (weights, scales, x) and writes (y). */
export function matvecQ4Bytes(rows: number, cols: number): number {
  return (rows * cols) / 2 + (rows * cols * 4) / Q4_GROUP + cols * 4 + rows * 4;
}

/** The f16 bit pattern nearest to an f32 value (round to nearest even). */
export function f32ToF16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half += 1;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1;
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

/** The value of an f16 bit pattern. */
export function f16BitsToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export interface Tolerance {
  absolute: number;
  relative: number;
}

/**
 * Compares a kernel's output with the CPU reference: every element must satisfy
 * |actual − expected| <= absolute + relative·|expected| (and be finite), like numpy's allclose.
 */
export function compareOutputs(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  size: string,
): ProbeCheck {
  let maxError = 0;
  let maxRelativeError = 0;
  let passed = actual.length === expected.length && expected.length > 0;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const error = Math.abs(a - e);
    if (!Number.isFinite(a) || !(error <= tolerance.absolute + tolerance.relative * Math.abs(e))) passed = false;
    if (!Number.isFinite(error)) {
      maxError = Infinity;
      maxRelativeError = Infinity;
      continue;
    }
    maxError = Math.max(maxError, error);
    if (e !== 0) maxRelativeError = Math.max(maxRelativeError, error / Math.abs(e));
  }
  return { passed, maxError, maxRelativeError, tolerance: { ...tolerance }, size };
}
