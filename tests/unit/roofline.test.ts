import { describe, expect, it } from 'vitest';
import {
  bytesPerDecodedToken,
  decodeBound,
  kvBytesPerToken,
  roofPercent,
  rooflineFormula,
} from '../../src/core/roofline.js';

describe('roofline', () => {
  it('counts KV bytes per token: K and V for each head of each layer', () => {
    // 2 · 24 layers · 2 heads · 64 dims · 2 bytes = 12,288
    expect(kvBytesPerToken({ layers: 24, kvHeads: 2, headDim: 64, bytesPerValue: 2 })).toBe(12_288);
    expect(kvBytesPerToken({ layers: 1, kvHeads: 1, headDim: 1, bytesPerValue: 4 })).toBe(8);
  });

  it('reads every weight once plus the KV cache so far', () => {
    expect(bytesPerDecodedToken({ weightBytes: 1_000_000, kvBytesPerToken: 100, contextTokens: 0 })).toBe(1_000_000);
    expect(bytesPerDecodedToken({ weightBytes: 1_000_000, kvBytesPerToken: 100, contextTokens: 500 })).toBe(1_050_000);
  });

  it('bounds decode by bandwidth over bytes per token', () => {
    // 100 GB/s over 0.5 GB per token = 200 tokens/s
    expect(decodeBound(100, 500_000_000)).toBe(200);
    expect(decodeBound(0, 1)).toBe(0);
    expect(decodeBound(10, 0)).toBe(0);
    expect(decodeBound(Number.NaN, 1)).toBe(0);
  });

  it('gives the measured rate as a percentage of the bound', () => {
    expect(roofPercent(50, 200)).toBe(25);
    expect(roofPercent(50, 0)).toBe(0);
    expect(roofPercent(Number.NaN, 100)).toBe(0);
  });

  it('states the formula', () => {
    expect(rooflineFormula()).toBe('decode tokens/s ≤ memory bandwidth ÷ bytes read per token');
  });
});
