import { describe, expect, it } from 'vitest';
import {
  bytesPerDecodedToken,
  decodeBound,
  kvBytesPerToken,
  kvBytesPerTokenFromConfig,
  measuredBandwidth,
  roofPercent,
  rooflineForRun,
  rooflineFormula,
} from '../../src/core/roofline.js';
import { sampleProbe } from './bench-fixture.js';

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

  it('reads the KV shape from a Hugging Face or MLC model config', () => {
    // SmolLM2-135M: 30 layers, 3 KV heads, head_dim from 576 / 9 = 64; f16 → 2·30·3·64·2.
    const smol = { num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576 };
    expect(kvBytesPerTokenFromConfig(smol, 2)).toBe(23_040);
    // An explicit head_dim wins; no num_key_value_heads means one KV head per attention head.
    expect(kvBytesPerTokenFromConfig({ num_hidden_layers: 2, num_attention_heads: 4, head_dim: 16 }, 4)).toBe(1024);
    expect(kvBytesPerTokenFromConfig({ num_hidden_layers: 2 }, 4)).toBeUndefined();
    expect(
      kvBytesPerTokenFromConfig({ num_hidden_layers: 2, num_attention_heads: 3, hidden_size: 64 }, 4),
    ).toBeUndefined();
    expect(kvBytesPerTokenFromConfig('config', 4)).toBeUndefined();
  });

  it('takes the faster of the bandwidth kernel and the plain copy', () => {
    const probe = sampleProbe();
    expect(measuredBandwidth(probe)).toEqual({ gbPerSecond: 320, source: 'copy' });
    probe.kernels.copy = { status: 'error', reason: 'lost', size: '' };
    expect(measuredBandwidth(probe)).toEqual({ gbPerSecond: 300, source: 'kernel' });
    probe.kernels.bandwidth = { status: 'check-failed', size: '' };
    expect(measuredBandwidth(probe)).toBeUndefined();
    expect(measuredBandwidth(undefined)).toBeUndefined();
  });

  it('places a run under the roofline at its average context', () => {
    // 1e9 weight bytes + 1e5 KV bytes × (100 + 200/2) tokens = 1.02e9 bytes per token;
    // 102 GB/s allows 100 tokens/s; 25 measured is 25%.
    const point = rooflineForRun(
      { weightBytes: 1e9, kvBytesPerToken: 1e5, promptTokens: 100, decodeTokens: 200, decodeTokensPerSecond: 25 },
      { gbPerSecond: 102, source: 'kernel' },
    );
    expect(point?.bytesPerToken).toBe(1.02e9);
    expect(point?.boundTokensPerSecond).toBeCloseTo(100, 9);
    expect(point?.percent).toBeCloseTo(25, 9);
    expect(
      rooflineForRun({ promptTokens: 1, decodeTokensPerSecond: 1 }, { gbPerSecond: 1, source: 'copy' }),
    ).toBeUndefined();
    expect(rooflineForRun({ weightBytes: 1, promptTokens: 1, decodeTokensPerSecond: 1 }, undefined)).toBeUndefined();
  });
});
