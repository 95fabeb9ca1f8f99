import { describe, expect, it } from 'vitest';
import {
  DISAGREEMENT_TOLERANCE,
  RateSeries,
  disagreements,
  figuresFromWebLlmUsage,
  percentile,
  wallClockFigures,
  summarize,
} from '../../src/core/stats.js';
import type { TimingFigures } from '../../src/shared/engine-api.js';

describe('wallClockFigures', () => {
  it('computes TTFT, prefill and decode rates from the marks', () => {
    // Prefill: 100 tokens in 250 ms = 400 tok/s. Decode: 50 tokens after the first in 1000 ms = 50 tok/s.
    expect(
      wallClockFigures({ requestMs: 0, firstTokenMs: 250, lastTokenMs: 1250, promptTokens: 100, outputTokens: 51 }),
    ).toEqual({ ttftMs: 250, prefillTokensPerSecond: 400, decodeTokensPerSecond: 50 });
  });

  it('measures from the request, not from zero', () => {
    // TTFT 200 ms; 30 prompt tokens -> 150 tok/s; 9 tokens over 300 ms -> 30 tok/s.
    expect(
      wallClockFigures({ requestMs: 1000, firstTokenMs: 1200, lastTokenMs: 1500, promptTokens: 30, outputTokens: 10 }),
    ).toEqual({ ttftMs: 200, prefillTokensPerSecond: 150, decodeTokensPerSecond: 30 });
  });

  it('is all zeros when no token arrived', () => {
    expect(
      wallClockFigures({
        requestMs: 0,
        firstTokenMs: undefined,
        lastTokenMs: undefined,
        promptTokens: 100,
        outputTokens: 0,
      }),
    ).toEqual({ ttftMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 });
  });

  it('has no decode rate for a single token', () => {
    // 60 prompt tokens in 300 ms = 200 tok/s.
    expect(
      wallClockFigures({ requestMs: 0, firstTokenMs: 300, lastTokenMs: 300, promptTokens: 60, outputTokens: 1 }),
    ).toEqual({ ttftMs: 300, prefillTokensPerSecond: 200, decodeTokensPerSecond: 0 });
    expect(
      wallClockFigures({ requestMs: 0, firstTokenMs: 300, lastTokenMs: undefined, promptTokens: 60, outputTokens: 5 })
        .decodeTokensPerSecond,
    ).toBe(0);
  });

  it('has no prefill rate for a zero TTFT or no prompt tokens', () => {
    expect(
      wallClockFigures({ requestMs: 50, firstTokenMs: 50, lastTokenMs: 150, promptTokens: 10, outputTokens: 3 }),
    ).toEqual({ ttftMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 20 });
    expect(
      wallClockFigures({ requestMs: 0, firstTokenMs: 100, lastTokenMs: 200, promptTokens: 0, outputTokens: 3 })
        .prefillTokensPerSecond,
    ).toBe(0);
  });
});

describe('figuresFromWebLlmUsage', () => {
  it('converts seconds to milliseconds and keeps the rates', () => {
    expect(
      figuresFromWebLlmUsage({ time_to_first_token_s: 0.25, prefill_tokens_per_s: 400, decode_tokens_per_s: 50 }),
    ).toEqual({ ttftMs: 250, prefillTokensPerSecond: 400, decodeTokensPerSecond: 50 });
  });

  it('defaults missing TTFT and prefill to zero', () => {
    expect(figuresFromWebLlmUsage({ decode_tokens_per_s: 12.5 })).toEqual({
      ttftMs: 0,
      prefillTokensPerSecond: 0,
      decodeTokensPerSecond: 12.5,
    });
  });

  it('is undefined without usage or without a decode rate', () => {
    expect(figuresFromWebLlmUsage(undefined)).toBeUndefined();
    expect(figuresFromWebLlmUsage({ time_to_first_token_s: 0.1, prefill_tokens_per_s: 10 })).toBeUndefined();
  });
});

describe('disagreements', () => {
  const wall: TimingFigures = { ttftMs: 250, prefillTokensPerSecond: 400, decodeTokensPerSecond: 50 };

  it('uses a 10% tolerance', () => {
    expect(DISAGREEMENT_TOLERANCE).toBe(0.1);
  });

  it('is empty when the engine reports nothing or agrees', () => {
    expect(disagreements(undefined, wall)).toEqual([]);
    expect(disagreements({ ...wall }, wall)).toEqual([]);
  });

  it('accepts a difference just under 10% of the larger value and flags one just over', () => {
    // |50 - 45.5| / 50 = 0.09
    expect(disagreements({ ...wall, decodeTokensPerSecond: 45.5 }, wall)).toEqual([]);
    // exactly 10%: |50 - 45| / 50 = 0.1 is not more than the tolerance
    expect(disagreements({ ...wall, decodeTokensPerSecond: 45 }, wall)).toEqual([]);
    // |50 - 44.9| / 50 = 0.102
    expect(disagreements({ ...wall, decodeTokensPerSecond: 44.9 }, wall)).toEqual(['decodeTokensPerSecond']);
    // Relative to the larger of the two: |276 - 250| / 276 = 0.094 (under), |280 - 250| / 280 = 0.107 (over).
    expect(disagreements({ ...wall, ttftMs: 276 }, wall)).toEqual([]);
    expect(disagreements({ ...wall, ttftMs: 280 }, wall)).toEqual(['ttftMs']);
  });

  it('lists every disagreeing figure in a fixed order', () => {
    expect(disagreements({ ttftMs: 100, prefillTokensPerSecond: 1000, decodeTokensPerSecond: 50 }, wall)).toEqual([
      'ttftMs',
      'prefillTokensPerSecond',
    ]);
  });

  it('treats two zeros as agreeing and zero against non-zero as disagreeing', () => {
    const zero: TimingFigures = { ttftMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 };
    expect(disagreements(zero, zero)).toEqual([]);
    expect(disagreements(zero, { ...zero, decodeTokensPerSecond: 1 })).toEqual(['decodeTokensPerSecond']);
  });

  it('honours a custom tolerance', () => {
    expect(disagreements({ ...wall, decodeTokensPerSecond: 40 }, wall, 0.25)).toEqual([]);
    expect(disagreements({ ...wall, decodeTokensPerSecond: 40 }, wall, 0.15)).toEqual(['decodeTokensPerSecond']);
  });
});

describe('RateSeries', () => {
  it('adds one point per bucket, counting the tokens after the bucket start', () => {
    const series = new RateSeries(250, 10);
    expect(series.add(1, 0)).toBe(false); // starts the first bucket
    expect(series.add(2, 100)).toBe(false);
    expect(series.add(1, 249)).toBe(false);
    expect(series.add(2, 250)).toBe(true); // 5 tokens in 250 ms
    expect(series.points).toEqual([{ atMs: 250, tokensPerSecond: 20 }]);
    expect(series.add(3, 400)).toBe(false);
    expect(series.add(1, 550)).toBe(true); // 4 tokens in 300 ms
    expect(series.points[1]!).toEqual({ atMs: 550, tokensPerSecond: (4 * 1000) / 300 });
    expect(series.points).toHaveLength(2);
  });

  it('reports a steady stream at the same rate in every bucket, the first included', () => {
    // One token every 50 ms is 20 tok/s.
    const series = new RateSeries(250, 100);
    for (let at = 0; at <= 1000; at += 50) series.add(1, at);
    expect(series.points.map((point) => point.atMs)).toEqual([250, 500, 750, 1000]);
    expect(series.points.map((point) => point.tokensPerSecond)).toEqual([20, 20, 20, 20]);
  });

  it('reports zero for a bucket without tokens', () => {
    const series = new RateSeries(100, 10);
    series.add(1, 0);
    series.add(0, 300);
    expect(series.points).toEqual([{ atMs: 300, tokensPerSecond: 0 }]);
  });

  it('keeps at most maxPoints, dropping the oldest', () => {
    const series = new RateSeries(10, 3);
    series.add(1, 0);
    for (let at = 10; at <= 100; at += 10) series.add(1, at);
    expect(series.points.map((point) => point.atMs)).toEqual([80, 90, 100]);
    for (let at = 110; at <= 5000; at += 10) series.add(1, at);
    expect(series.points).toHaveLength(3);
    expect(series.points[2]!.atMs).toBe(5000);
  });

  it('defaults to 250 ms buckets and 120 points', () => {
    const series = new RateSeries();
    series.add(1, 0);
    expect(series.add(1, 249)).toBe(false);
    expect(series.add(1, 250)).toBe(true);
    for (let at = 500; at <= 250 * 200; at += 250) series.add(1, at);
    expect(series.points).toHaveLength(120);
  });
});

describe('percentile', () => {
  const sample = [50, 10, 40, 20, 30]; // sorted: 10 20 30 40 50

  it('takes the minimum at p0, the median at p50 and the maximum at p100', () => {
    expect(percentile(sample, 0)).toBe(10);
    expect(percentile(sample, 50)).toBe(30);
    expect(percentile(sample, 100)).toBe(50);
  });

  it('interpolates between ranks', () => {
    // p90: position 0.9 * 4 = 3.6 -> 40 * 0.4 + 50 * 0.6 = 46
    expect(percentile(sample, 90)).toBeCloseTo(46, 10);
    // p25: position 1 -> 20; p10: position 0.4 -> 10 * 0.6 + 20 * 0.4 = 14
    expect(percentile(sample, 25)).toBe(20);
    expect(percentile(sample, 10)).toBeCloseTo(14, 10);
    // Even-sized median: 2 and 4 -> 3
    expect(percentile([4, 1, 2, 8], 50)).toBe(3);
  });

  it('clamps p to 0..100 and does not sort the input in place', () => {
    expect(percentile(sample, -5)).toBe(10);
    expect(percentile(sample, 150)).toBe(50);
    expect(sample).toEqual([50, 10, 40, 20, 30]);
  });

  it('is NaN for an empty sample and the value for a single one', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 90)).toBe(7);
  });
});

describe('summarize', () => {
  it('gives the median and the interpolated 10th and 90th percentiles', () => {
    // Sorted: 10 20 30 40 50. p10 sits at position 0.4: 10 + 0.4*10 = 14; p90 at 3.6: 40 + 0.6*10 = 46.
    expect(summarize([50, 10, 40, 20, 30])).toEqual({ median: 30, p10: 14, p90: 46, n: 5 });
  });

  it('interpolates the median of an even count and handles a single sample', () => {
    // Sorted: 1 2 3 4. Median at 1.5: 2.5; p10 at 0.3: 1.3; p90 at 2.7: 3.7.
    const s = summarize([4, 1, 3, 2]);
    expect(s.median).toBe(2.5);
    expect(s.p10).toBeCloseTo(1.3, 12);
    expect(s.p90).toBeCloseTo(3.7, 12);
    expect(summarize([7])).toEqual({ median: 7, p10: 7, p90: 7, n: 1 });
  });

  it('keeps p10 <= median <= p90 when samples are equal (no rounding past them)', () => {
    const s = summarize([6.452775385539941, 6.452775385539941, 6.452775385539941]);
    expect(s).toEqual({ median: 6.452775385539941, p10: 6.452775385539941, p90: 6.452775385539941, n: 3 });
  });

  it('is NaN for no samples', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(s.median).toBeNaN();
  });
});
