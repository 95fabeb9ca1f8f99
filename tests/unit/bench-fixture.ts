/** A valid benchmark result for the bench tests. */
import { createBenchResult, type BenchResult } from '../../src/core/bench-schema.js';

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
