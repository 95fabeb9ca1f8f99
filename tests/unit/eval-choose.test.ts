/** Choosing a model: the Pareto front and the recommendation with its reason. */
import { describe, expect, it } from 'vitest';
import { accuracy } from '../../src/core/eval/accuracy.js';
import { dominates, paretoFront } from '../../src/core/eval/pareto.js';
import { recommendModel, type Candidate } from '../../src/core/eval/recommend.js';
import type { FitDevice } from '../../src/core/fit.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';

describe('paretoFront', () => {
  const point = (accuracy: number, decodeTokensPerSecond: number, memoryBytes: number) => ({
    accuracy,
    decodeTokensPerSecond,
    memoryBytes,
  });

  it('keeps every model no other beats on accuracy, speed and memory at once', () => {
    const points = [
      point(0.9, 10, 900), // most accurate
      point(0.6, 40, 300), // fastest and smallest
      point(0.7, 20, 500), // a middle trade-off
      point(0.6, 20, 500), // beaten by the middle one
      point(0.9, 10, 950), // the first is as good and smaller
    ];
    expect(paretoFront(points)).toEqual([true, true, true, false, false]);
    expect(dominates(points[2]!, points[3]!)).toBe(true);
    expect(dominates(points[0]!, points[0]!)).toBe(false);
  });

  it('keeps ties and leaves out points with a missing figure', () => {
    expect(paretoFront([point(0.5, 10, 100), point(0.5, 10, 100)])).toEqual([true, true]);
    expect(paretoFront([point(Number.NaN, 99, 1), point(0.5, 10, 100)])).toEqual([false, true]);
  });
});

const MIB = 2 ** 20;
function record(id: string, vramMB: number, requiredFeatures: string[] = []): ModelRecord {
  return {
    id,
    engine: 'transformers',
    kind: 'chat',
    family: id,
    parameters: '',
    parameterCount: undefined,
    quantization: 'q4',
    vramMB,
    contextWindow: 2048,
    requiredFeatures,
    bufferSizeRequiredBytes: 64 * MIB,
    lowResource: true,
    cached: false,
  };
}

/** 4 GB of system memory: a 2 GiB budget, comfortable below 1,434 MiB. */
const LAPTOP: FitDevice = {
  features: [],
  deviceMemoryGB: 4,
  isFallbackAdapter: false,
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 16384 },
};

function candidate(
  id: string,
  correct: number,
  total: number,
  speed: number,
  vramMB: number,
  features?: string[],
): Candidate {
  return {
    record: record(id, vramMB, features),
    label: id,
    accuracy: accuracy(correct, total),
    decodeTokensPerSecond: speed,
    memoryBytes: vramMB * MIB,
  };
}

describe('recommendModel', () => {
  it('picks the most accurate model that fits and is fast enough, and says why', () => {
    const big = candidate('Big', 55, 60, 8, 3000); // most accurate, does not fit
    const slow = candidate('Slow', 50, 60, 9, 900); // fits, too slow
    const good = candidate('Good', 45, 60, 30, 1200);
    const small = candidate('Small', 30, 60, 60, 300);
    const result = recommendModel([big, slow, good, small], LAPTOP, [], 20);
    expect(result.pick?.label).toBe('Good');
    expect(result.eligible.map((c) => c.label)).toEqual(['Good', 'Small']);
    expect(result.reason).toBe(
      'Good is the most accurate of the 2 models that fit this device and decode at 20.0 tok/s or more: ' +
        '75% right (95% interval 63–84%, 60 items) at 30.0 tok/s. It fits: Needs 1.3 GB of about 2.1 GB.',
    );
  });

  it('names a cheaper model whose accuracy is within the margin of error', () => {
    const best = candidate('Best', 40, 60, 20, 1000);
    const close = candidate('Close', 37, 60, 45, 400);
    const result = recommendModel([best, close], LAPTOP, [], 10);
    expect(result.pick?.label).toBe('Best');
    expect(result.reason).toContain(
      'Close (62%, 45.0 tok/s) needs less memory and is faster, and on 60 items its accuracy is within the margin of error.',
    );
  });

  it('says a tight fit is tight, and leaves out models needing shader-f16 here', () => {
    const f16 = candidate('F16', 60, 60, 90, 200, ['shader-f16']);
    const tight = candidate('Tight', 50, 60, 20, 1800);
    const result = recommendModel([f16, tight], LAPTOP, [], 10);
    expect(result.pick?.label).toBe('Tight');
    expect(result.reason).toContain('It is a tight fit: Needs 1.9 GB of about 2.1 GB;');
  });

  it('explains when nothing qualifies', () => {
    expect(recommendModel([], LAPTOP, [], 10).reason).toBe('No model has been evaluated yet.');
    expect(recommendModel([candidate('Huge', 50, 60, 50, 9000)], LAPTOP, [], 10).reason).toBe(
      'None of the 1 evaluated models fits this device. Huge: Needs 9.4 GB of GPU memory; this device has about 2.1 GB.',
    );
    expect(
      recommendModel([candidate('A', 50, 60, 5, 500), candidate('B', 40, 60, 12, 500)], LAPTOP, [], 30).reason,
    ).toBe(
      'No model that fits this device decodes at 30.0 tok/s or more; the fastest that fits, B, reaches 12.0 tok/s. ' +
        'Lower the speed you need, or try a smaller model.',
    );
  });

  it('holds no model to a speed it never showed (replies of one token have no decode rate)', () => {
    const silent = candidate('Silent', 50, 60, Number.NaN, 500);
    expect(recommendModel([silent], LAPTOP, [], 0).reason).toBe(
      'No decode speed was measured: every reply was shorter than two tokens. Raise the output limit, or use a suite whose answers take more words.',
    );
    const result = recommendModel([silent, candidate('Slow', 40, 60, 4, 500)], LAPTOP, [], 10);
    expect(result.reason).toMatch(/the fastest that fits, Slow, reaches 4\.0 tok\/s\./);
    expect(recommendModel([silent, candidate('Fast', 40, 60, 40, 500)], LAPTOP, [], 10).pick?.label).toBe('Fast');
  });
});
