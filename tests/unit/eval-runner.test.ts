import { describe, expect, it } from 'vitest';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import type { EvalSuite } from '../../src/core/eval/item.js';
import { createEvalResult, summarizeEvalRun, validateEvalResult } from '../../src/core/eval-schema.js';
import { sampleResult } from './bench-fixture.js';
import { evaluateModel, type EvalEngine, type EvalProgress } from '../../src/measure/eval-runner.js';
import type { GenerateRequest, GenerationStats, LoadReport, TokenBatch } from '../../src/shared/engine-api.js';

/**
 * A test double behind the runner's engine interface: replies with a scripted text per prompt
 * (in two batches, to show the runner joins them), with known timings, and records every call.
 */
class EvalEngineDouble implements EvalEngine {
  calls: string[] = [];
  requests: GenerateRequest[] = [];
  constructor(
    private readonly replies: Record<string, string>,
    private readonly options: { tooLong?: string; fail?: string } = {},
  ) {}

  async load(): Promise<LoadReport> {
    this.calls.push('load');
    return {
      modelId: 'm',
      engine: 'double',
      fromCache: false,
      durationMs: 250,
      downloadedBytes: 5_000_000,
      weightBytes: 4_000_000,
      contextWindow: 2048,
    };
  }

  async generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats> {
    this.calls.push('generate');
    this.requests.push(request);
    const prompt = request.messages.at(-1)!.content;
    if (prompt === this.options.tooLong) {
      throw edgeError(ERROR_NAMES.contextWindowExceeded, 'The prompt has 5000 tokens; the model reads at most 2048.');
    }
    if (prompt === this.options.fail) throw edgeError(ERROR_NAMES.deviceLost, 'GPU lost');
    const text = this.replies[prompt] ?? '';
    const half = Math.ceil(text.length / 2);
    const batch = { tokens: 1, totalTokens: 1, elapsedMs: 1, firstTokenMs: 1 };
    onTokens({ ...batch, text: text.slice(0, half) });
    onTokens({ ...batch, text: text.slice(half) });
    const figures = { ttftMs: 40, prefillTokensPerSecond: 500, decodeTokensPerSecond: 25 };
    return {
      ...figures,
      promptTokens: 10,
      outputTokens: 6,
      finishReason: 'stop',
      totalMs: 240,
      engine: figures,
      wallClock: figures,
      disagreements: [],
      gpuMemoryPeakBytes: prompt.length * 1000,
      batches: 2,
    };
  }

  async unload() {
    this.calls.push('unload');
  }
  async interrupt() {
    this.calls.push('interrupt');
  }
  async cancelLoad() {
    this.calls.push('cancelLoad');
  }
}

const suite: EvalSuite = {
  name: 'mini',
  kind: 'user',
  items: [
    { id: 'a', prompt: 'six times seven?', answer: '42', match: 'number', system: 'Answer briefly.' },
    { id: 'b', prompt: 'capital?', answer: 'Paris', match: 'exact' },
    { id: 'c', prompt: 'mood?', answer: 'happy', match: 'choice', choices: ['happy', 'sad'] },
    { id: 'd', prompt: 'json?', answer: ['k'], match: 'json-keys' },
  ],
};
const replies = {
  'six times seven?': 'It is 42.',
  'capital?': 'Lyon',
  'mood?': 'Sad.',
  'json?': '```json\n{"k": 1}\n```',
};
const subject = { engine: 'double', model: 'm', device: 'webgpu', quantization: 'q4' } as const;

/** A clock that moves 100 ms each time it is read. */
function steppingClock() {
  let t = 0;
  return () => (t += 100);
}

describe('evaluateModel', () => {
  it('asks every item greedily with the output limit, scores and times each, then unloads', async () => {
    const engine = new EvalEngineDouble(replies);
    const progress: EvalProgress[] = [];
    const run = await evaluateModel(engine, subject, suite, {
      maxTokens: 32,
      onProgress: (p) => progress.push(p),
      now: steppingClock(),
    });
    expect(engine.calls).toEqual(['load', 'generate', 'generate', 'generate', 'generate', 'unload']);
    expect(engine.requests.every((r) => r.temperature === 0 && r.maxTokens === 32)).toBe(true);
    expect(engine.requests[0]!.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'six times seven?' },
    ]);
    expect(run).toMatchObject({
      engine: 'double',
      model: 'm',
      computeDevice: 'webgpu',
      quantization: 'q4',
      complete: true,
      loadMs: 250,
      modelBytes: 4_000_000,
      downloadedBytes: 5_000_000,
    });
    expect(run.items.map((item) => [item.id, item.correct, item.extracted])).toEqual([
      ['a', true, '42'],
      ['b', false, 'lyon'],
      ['c', false, 'sad'],
      ['d', true, 'k'],
    ]);
    expect(run.items[0]).toMatchObject({ reply: 'It is 42.', ms: 100, ttftMs: 40, decodeTokensPerSecond: 25 });
    const summary = summarizeEvalRun(run);
    expect(summary.accuracy).toMatchObject({ correct: 2, total: 4, rate: 0.5 });
    expect(summary.secondsPerItem).toBeCloseTo(0.1, 10);
    expect(summary.peakGpuMemoryBytes).toBe('six times seven?'.length * 1000);
    expect(progress.at(-1)).toMatchObject({ message: 'Done', fraction: 1, answered: 4, correct: 2 });
    expect(progress.filter((p) => p.item).map((p) => p.item!.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stops on Cancel after the item in flight and returns the items answered, marked incomplete', async () => {
    const engine = new EvalEngineDouble(replies);
    const controller = new AbortController();
    const run = await evaluateModel(engine, subject, suite, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.item?.id === 'b') controller.abort();
      },
    });
    expect(run.complete).toBe(false);
    expect(run.items.map((item) => item.id)).toEqual(['a', 'b']);
    expect(engine.calls).toContain('interrupt');
    expect(engine.calls.at(-1)).toBe('unload');
  });

  it('scores a prompt longer than the context window wrong, with the reason, and goes on', async () => {
    const engine = new EvalEngineDouble(replies, { tooLong: 'capital?' });
    const run = await evaluateModel(engine, subject, suite);
    expect(run.complete).toBe(true);
    expect(run.items[1]).toMatchObject({
      id: 'b',
      correct: false,
      note: 'not asked: The prompt has 5000 tokens; the model reads at most 2048.',
    });
  });

  it('keeps what it records within the result file’s limits, however long the reply', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `${'k'.repeat(60)}${i}`);
    const long = JSON.stringify(Object.fromEntries(keys.map((key) => [key, 'v'.repeat(50)])));
    const run = await evaluateModel(new EvalEngineDouble({ ...replies, 'json?': long }), subject, suite);
    expect(run.items[3]!.note!.length).toBeLessThanOrEqual(1000);
    expect(run.items[3]!.reply.length).toBe(1000);
    const result = createEvalResult({
      device: sampleResult().device,
      suite: { name: 'mini', kind: 'user', items: 4, fingerprint: 'f' },
      settings: { maxTokens: 128, temperature: 0 },
      runs: [run],
    });
    expect(validateEvalResult(JSON.parse(JSON.stringify(result))).ok).toBe(true);
  });

  it('rejects when the engine fails, still unloading', async () => {
    const engine = new EvalEngineDouble(replies, { fail: 'mood?' });
    await expect(evaluateModel(engine, subject, suite)).rejects.toMatchObject({ name: ERROR_NAMES.deviceLost });
    expect(engine.calls.at(-1)).toBe('unload');
  });
});
