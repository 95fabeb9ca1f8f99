/** A valid benchmark result for the bench tests. */
import { createBenchResult, type BenchResult } from '../../src/core/bench-schema.js';
import type { GpuProbeReport, SampleSummary } from '../../src/shared/engine-api.js';

export function sampleResult(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    ...createBenchResult({
      createdAt: '2025-01-02T03:04:05.000Z',
      device: {
        adapter: { vendor: 'nvidia', architecture: 'hopper', description: 'H100', isFallbackAdapter: false },
        features: ['shader-f16', 'timestamp-query'],
        limits: { maxBufferSize: 4294967296, maxStorageBufferBindingSize: 2147483648 },
        browser: { brand: 'Chromium', version: '140' },
        platform: 'Linux',
        hardwareConcurrency: 16,
      },
      runs: [
        {
          engine: 'webllm',
          model: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
          promptTokens: 128,
          ttftMs: [100, 120, 110, 130, 90],
          prefillTokensPerSecond: [1000, 1100, 1200, 1300, 1400],
          decodeTokensPerSecond: [50, 60, 70, 80, 90],
          peakGpuMemoryBytes: [500, 500, 500, 500, 500],
          coldLoadMs: 5000,
          warmLoadMs: 800,
        },
      ],
    }),
    ...overrides,
  };
}

function summary(median: number): SampleSummary {
  return { median, p10: median * 0.9, p90: median * 1.1, n: 5 };
}

/** A GPU probe report shaped like the worker's, figures from a mid-range laptop GPU. */
export function sampleProbe(): GpuProbeReport {
  const check = {
    passed: true,
    maxError: 0,
    maxRelativeError: 0,
    tolerance: { absolute: 1e-3, relative: 1e-3 },
    size: '37x29x53',
  };
  return {
    schema: 'edge-llm/probe@2',
    adapter: {
      vendor: 'nvidia',
      architecture: 'ampere',
      device: '',
      description: 'RTX 3060',
      isFallbackAdapter: false,
      features: ['shader-f16'],
    },
    options: { runs: 5, bandwidthBytes: 67108864, matmulSize: 512, matvecRows: 4096, matvecCols: 4096 },
    kernels: {
      bandwidth: {
        status: 'ok',
        size: '67108864 bytes',
        check,
        timer: 'wall-clock',
        ms: summary(0.5),
        gbPerSecond: summary(300),
      },
      copy: { status: 'ok', size: '67108864 bytes', timer: 'wall-clock', ms: summary(0.4), gbPerSecond: summary(320) },
      matmulF32: {
        status: 'ok',
        size: '512x512x512',
        check,
        timer: 'wall-clock',
        ms: summary(1),
        gflopPerSecond: summary(5000),
      },
      matmulF16: { status: 'skipped', reason: 'no shader-f16', size: '512x512x512' },
      matvecQ4: {
        status: 'ok',
        size: '4096x4096',
        check,
        timer: 'wall-clock',
        ms: summary(0.1),
        gbPerSecond: summary(150),
      },
    },
    kernelToCopyRatio: 300 / 320,
    durationMs: 2100,
  };
}
