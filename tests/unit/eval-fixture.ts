/** A valid evaluation result for the eval tests. */
import { createEvalResult, type EvalItemResult, type EvalResult, type EvalRun } from '../../src/core/eval-schema.js';
import { sampleResult } from './bench-fixture.js';

export function sampleItem(id: string, correct: boolean, overrides: Partial<EvalItemResult> = {}): EvalItemResult {
  return {
    id,
    correct,
    ...(correct ? { extracted: '42' } : { extracted: '41', note: 'expected 42' }),
    reply: correct ? 'It is 42.' : 'It is 41.',
    outputTokens: 8,
    finishReason: 'stop',
    ms: 500,
    ttftMs: 100,
    decodeTokensPerSecond: 20,
    peakGpuMemoryBytes: 300 * 2 ** 20,
    ...overrides,
  };
}

export function sampleRun(overrides: Partial<EvalRun> = {}): EvalRun {
  return {
    engine: 'transformers',
    model: 'https://models.example/SmolLM2-135M-Instruct@q4',
    computeDevice: 'webgpu',
    quantization: 'q4',
    modelBytes: 120_000_000,
    downloadedBytes: 0,
    loadMs: 900,
    complete: true,
    items: [sampleItem('a', true), sampleItem('b', true), sampleItem('c', false), sampleItem('d', true)],
    correctness: {
      reference: 'wasm',
      positions: 256,
      agreeing: 255,
      maxLogprobDelta: 0.02,
      firstDisagreement: 200,
      message: 'This device computes this model like the CPU.',
    },
    ...overrides,
  };
}

export function sampleEval(runs: EvalRun[] = [sampleRun()]): EvalResult {
  return createEvalResult({
    createdAt: '2025-01-02T03:04:05.000Z',
    device: sampleResult().device,
    suite: { name: 'arithmetic', kind: 'built-in', lang: 'en', seed: 13, items: 4, fingerprint: 'fnv1a32-0000abcd-4' },
    settings: { maxTokens: 128, temperature: 0 },
    runs,
  });
}
