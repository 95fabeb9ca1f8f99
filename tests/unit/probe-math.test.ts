import { describe, expect, it } from 'vitest';
import {
  PROBE_SCHEMA,
  compareOutputs,
  dequantizeQ4,
  f16BitsToF32,
  f32ToF16Bits,
  gbPerSecond,
  gflopPerSecond,
  matmulF32,
  matmulFlops,
  matvecQ4,
  matvecQ4Bytes,
  packQ4,
  seededValues,
} from '../../src/core/probe-math.js';

describe('unit conversions', () => {
  it('GB/s counts 10^9 bytes per second', () => {
    // 64 MiB read + 64 MiB written in 100 ms: 134217728 B / 0.1 s = 1.34217728 GB/s.
    expect(gbPerSecond(2 * 64 * 1024 * 1024, 100)).toBeCloseTo(1.34217728, 12);
    expect(gbPerSecond(1e9, 1000)).toBe(1);
    expect(gbPerSecond(1e9, 0)).toBe(0);
  });

  it('GFLOP/s from 2*M*N*K operations', () => {
    expect(matmulFlops(512, 512, 512)).toBe(268_435_456);
    // 268435456 FLOP in 50 ms = 5.36870912 GFLOP/s.
    expect(gflopPerSecond(matmulFlops(512, 512, 512), 50)).toBeCloseTo(5.36870912, 12);
    expect(gflopPerSecond(2e9, 1000)).toBe(2);
  });

  it('counts a 4-bit mat-vec as half a byte per weight plus scales, input and output', () => {
    // 4096x4096: 8 MiB of nibbles, 524288 scales * 4 B = 2 MiB, x and y 16 KiB each.
    expect(matvecQ4Bytes(4096, 4096)).toBe(8_388_608 + 2_097_152 + 16_384 + 16_384);
  });
});

describe('matmulF32', () => {
  it('multiplies a 2x3 by a 3x2 matrix', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    // [1 2 3]·[7 9 11]ᵀ = 58, ·[8 10 12]ᵀ = 64; [4 5 6]· = 139, 154.
    expect(Array.from(matmulF32(a, b, 2, 2, 3))).toEqual([58, 64, 139, 154]);
  });
});

describe('4-bit weights', () => {
  it('packs 8 nibbles per u32, the first value in the lowest nibble', () => {
    expect(Array.from(packQ4([1, 2, 3, 4, 5, 6, 7, 8], 1, 8))).toEqual([0x87654321]);
    expect(Array.from(packQ4([15, 0, 0, 0, 0, 0, 0, 15, 8, 8, 8, 8, 8, 8, 8, 8], 1, 16))).toEqual([
      0xf000000f, 0x88888888,
    ]);
    expect(() => packQ4([16, 0, 0, 0, 0, 0, 0, 0], 1, 8)).toThrow(RangeError);
    expect(() => packQ4([0, 0, 0, 0], 1, 4)).toThrow(RangeError);
  });

  it('dequantizes (nibble - 8) * the scale of each group of 32 along K', () => {
    // One row of 64: group 0 (k < 32) has scale 0.5, group 1 has scale 2.
    const codes = Array.from({ length: 64 }, (_, k) => (k === 0 ? 0 : k === 1 ? 15 : k === 32 ? 9 : 8));
    const weights = dequantizeQ4(packQ4(codes, 1, 64), new Float32Array([0.5, 2]), 1, 64);
    expect(weights[0]).toBe(-4); // (0 - 8) * 0.5
    expect(weights[1]).toBe(3.5); // (15 - 8) * 0.5
    expect(weights[2]).toBe(0); // (8 - 8) * 0.5
    expect(weights[32]).toBe(2); // (9 - 8) * 2
    expect(weights[63]).toBe(0);
  });

  it('multiplies two rows by a vector, each row with its own scales', () => {
    const rows = 2;
    const cols = 32;
    // Row 0: all nibbles 9 (weight +1 * 0.25); row 1: nibble 6 at k = 0 (weight -2 * 3), else 8.
    const codes = [...Array<number>(32).fill(9), 6, ...Array<number>(31).fill(8)];
    const x = Float32Array.from({ length: cols }, (_, k) => k + 1);
    const y = matvecQ4(packQ4(codes, rows, cols), new Float32Array([0.25, 3]), x, rows, cols);
    // Row 0: 0.25 * (1 + ... + 32) = 0.25 * 528 = 132. Row 1: -6 * x[0] = -6.
    expect(Array.from(y)).toEqual([132, -6]);
  });
});

describe('f16 conversion', () => {
  it('rounds to the nearest f16 bit pattern', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(0.1)).toBe(0x2e66);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f16BitsToF32(0x3c00)).toBe(1);
    expect(f16BitsToF32(0x2e66)).toBeCloseTo(0.0999755859375, 15);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
  });
});

describe('compareOutputs', () => {
  it('passes within |a - e| <= abs + rel*|e| and reports the largest errors', () => {
    const check = compareOutputs([1.001, 2, -3], [1, 2, -3.006], { absolute: 0, relative: 0.002 }, '3');
    expect(check.passed).toBe(true);
    expect(check.maxError).toBeCloseTo(0.006, 12);
    expect(check.maxRelativeError).toBeCloseTo(0.006 / 3.006, 12);
    expect(check.size).toBe('3');
  });

  it('fails on a value outside the tolerance, a NaN, a length mismatch or nothing to compare', () => {
    expect(compareOutputs([1.1], [1], { absolute: 0.01, relative: 0.01 }, '1').passed).toBe(false);
    expect(compareOutputs([Number.NaN], [1], { absolute: 1, relative: 1 }, '1').passed).toBe(false);
    expect(compareOutputs([1, 2], [1], { absolute: 1, relative: 1 }, '1').passed).toBe(false);
    expect(compareOutputs([], [], { absolute: 1, relative: 1 }, '0').passed).toBe(false);
  });
});

describe('seededValues', () => {
  it('is deterministic and in [-1, 1)', () => {
    const a = seededValues(1000, 42);
    expect(Array.from(a)).toEqual(Array.from(seededValues(1000, 42)));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(Array.from(seededValues(10, 43))).not.toEqual(Array.from(a.slice(0, 10)));
  });

  it('names the report schema', () => {
    expect(PROBE_SCHEMA).toBe('edge-llm/probe@2');
  });
});
