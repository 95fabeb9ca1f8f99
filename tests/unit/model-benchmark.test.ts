import { describe, expect, it } from 'vitest';
import { benchmarkModel, type BenchEngine, type BenchProgress } from '../../src/measure/model-benchmark.js';
import type { GenerateRequest, GenerationStats, LoadReport } from '../../src/shared/engine-api.js';

/**
 * A test double behind the benchmark's engine interface: counts prompt tokens from the words
 * (a template of 12 tokens plus 1.5 tokens a word, rounded down, as a BPE tokenizer might) and
 * records every call.
 */
class BenchEngineDouble implements BenchEngine {
  calls: string[] = [];
  requests: GenerateRequest[] = [];
  loads = 0;
  constructor(
    private readonly options: {
      cachedAtStart?: boolean;
      contextWindow?: number;
      stopAfter?: number;
      tokensPerWord?: number;
    } = {},
  ) {}

  async load(): Promise<LoadReport> {
    this.calls.push('load');
    this.loads += 1;
    return {
      modelId: 'm',
      engine: 'double',
      fromCache: this.loads > 1 || Boolean(this.options.cachedAtStart),
      durationMs: this.loads === 1 ? 900 : 100,
      downloadedBytes: undefined,
      weightBytes: 1_000_000,
      contextWindow: this.options.contextWindow ?? 2048,
      kvBytesPerToken: 1024,
    };
  }

  async generate(request: GenerateRequest): Promise<GenerationStats> {
    this.calls.push(`generate:${request.maxTokens}`);
    this.requests.push(request);
    const words = request.messages[0]!.content.split('\n\n')[1]!.split(' ').length;
    const promptTokens = 12 + Math.floor(words * (this.options.tokensPerWord ?? 1.5));
    const outputTokens = Math.min(request.maxTokens, this.options.stopAfter ?? Infinity);
    const figures = { ttftMs: promptTokens / 10, prefillTokensPerSecond: 1000, decodeTokensPerSecond: 50 };
    return {
      ...figures,
      promptTokens,
      outputTokens,
      finishReason: outputTokens < request.maxTokens ? 'stop' : 'length',
      totalMs: 1,
      engine: figures,
      wallClock: figures,
      disagreements: [],
      gpuMemoryPeakBytes: 2_000_000,
      batches: 1,
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

const subject = { engine: 'double', model: 'm', device: 'webgpu' } as const;
const protocol = { runs: 3, warmupRuns: 1, decodeTokens: 64, promptLengths: [128, 512] };

describe('benchmarkModel', () => {
  it('loads cold then warm, calibrates, and measures each prompt length after its warm-up', async () => {
    const engine = new BenchEngineDouble();
    const progress: BenchProgress[] = [];
    const { runs, notes } = await benchmarkModel(engine, subject, protocol, { onProgress: (p) => progress.push(p) });

    expect(engine.calls.slice(0, 5)).toEqual(['load', 'unload', 'load', 'generate:1', 'generate:1']);
    expect(engine.calls.at(-1)).toBe('unload');
    expect(runs.map((run) => run.targetPromptTokens)).toEqual([128, 512]);
    for (const run of runs) {
      expect(run).toMatchObject({ coldLoadMs: 900, warmLoadMs: 100, weightBytes: 1_000_000, kvBytesPerToken: 1024 });
      expect(run.decodeTokensPerSecond).toEqual([50, 50, 50]);
      expect(run.outputTokens).toEqual([64, 64, 64]);
      // The calibrated filler lands within 2% of the target.
      expect(Math.abs(run.promptTokens - run.targetPromptTokens!)).toBeLessThanOrEqual(run.targetPromptTokens! * 0.02);
    }
    const timed = engine.requests.filter((request) => request.maxTokens === 64);
    expect(timed).toHaveLength(2 * 4);
    expect(timed.every((request) => request.ignoreEos && request.temperature === 0)).toBe(true);
    expect(notes).toEqual([]);
    expect(progress.at(-1)).toEqual({ message: 'Done', fraction: 1 });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
  });

  it('keeps the closest prompt when whole words cannot land within 2%', async () => {
    // 7 tokens a word: 17 words make 131 tokens, 16 make 124; 131 is the closer to 128.
    const engine = new BenchEngineDouble({ tokensPerWord: 7 });
    const { runs } = await benchmarkModel(engine, subject, { ...protocol, promptLengths: [128] });
    expect(runs[0]!.promptTokens).toBe(131);
  });

  it('caps prompts by the context window and says so', async () => {
    const { runs, notes } = await benchmarkModel(new BenchEngineDouble({ contextWindow: 512 }), subject, protocol);
    expect(runs.map((run) => run.targetPromptTokens)).toEqual([128, 440]);
    expect(notes).toContain(
      'The 512-token context window caps the longest prompt at 440 tokens (with 64 output tokens).',
    );
  });

  it('notes a cold load it could not measure and replies cut short by end-of-sequence', async () => {
    const { runs, notes } = await benchmarkModel(
      new BenchEngineDouble({ cachedAtStart: true, stopAfter: 10 }),
      subject,
      { ...protocol, promptLengths: [128] },
    );
    expect(runs[0]!.coldLoadMs).toBeUndefined();
    expect(runs[0]!.outputTokens).toEqual([10, 10, 10]);
    expect(notes[0]).toMatch(/already in the browser's cache, so no cold load was measured/);
    expect(notes[1]).toMatch(/3 run\(s\) ended before 64 output tokens/);
  });

  it('stops when cancelled and still unloads', async () => {
    const engine = new BenchEngineDouble();
    const controller = new AbortController();
    const promise = benchmarkModel(engine, subject, protocol, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.message.startsWith('Run 1')) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(engine.calls).toContain('interrupt');
    expect(engine.calls.at(-1)).toBe('unload');
  });

  it('refuses when the output alone fills the context', async () => {
    await expect(benchmarkModel(new BenchEngineDouble({ contextWindow: 64 }), subject, protocol)).rejects.toMatchObject(
      { name: 'ContextWindowSizeExceededError' },
    );
  });
});
