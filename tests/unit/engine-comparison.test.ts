/**
 * The engine shoot-out (src/measure/engine-comparison.ts) through a test double behind the
 * engine interface, its table (src/core/comparison-table.ts), what decides that a variant cannot
 * run here (src/core/comparison-variants.ts), and the comparison's place in the result schema.
 */
import { describe, expect, it } from 'vitest';
import { createBenchResult, validateBenchResult } from '../../src/core/bench-schema.js';
import {
  agreementLines,
  agreementMet,
  comparisonMarkdown,
  comparisonRows,
  formatRatio,
  SYNTHETIC_NOTE,
} from '../../src/core/comparison-table.js';
import { deviceRefusal, variantLabel, webllmLibraryRefusal } from '../../src/core/comparison-variants.js';
import {
  compareEngines,
  withAvailability,
  type ComparisonEngine,
  type ComparisonPlan,
} from '../../src/measure/engine-comparison.js';
import type {
  ForcedChoices,
  ForcedInput,
  GenerateRequest,
  GenerationStats,
  LoadOptions,
  LoadReport,
} from '../../src/shared/engine-api.js';

/**
 * A test double behind the comparison's engine interface: each model decodes at its own rate, a
 * model named "broken" fails to load, and forced choices come from a per-model rule.
 */
class ComparisonEngineDouble implements ComparisonEngine {
  loads: { model: string; options: LoadOptions | undefined }[] = [];
  forcedInputs: ForcedInput[] = [];
  private model = '';
  private loadCount = new Map<string, number>();

  constructor(
    private readonly rates: Record<string, number>,
    private readonly choose: (model: string, position: number) => number = (_, position) => position % 7,
  ) {}

  async load(_engine: string, model: string, _progress: unknown, options?: LoadOptions): Promise<LoadReport> {
    if (model === 'broken') throw Object.assign(new Error('no such file'), { name: 'ModelNotFoundError' });
    this.loads.push({ model, options });
    this.model = model;
    const count = (this.loadCount.get(model) ?? 0) + 1;
    this.loadCount.set(model, count);
    return {
      modelId: model,
      engine: 'double',
      fromCache: count > 1,
      durationMs: count === 1 ? 1000 : 200,
      downloadedBytes: undefined,
      weightBytes: 4_000_000,
      contextWindow: 2048,
      kvBytesPerToken: 1024,
    };
  }

  async generate(request: GenerateRequest): Promise<GenerationStats> {
    const rate = this.rates[this.model] ?? 10;
    const words = request.messages[0]!.content.split('\n\n')[1]?.split(' ').length ?? 0;
    const figures = { ttftMs: 1000 / rate, prefillTokensPerSecond: rate * 10, decodeTokensPerSecond: rate };
    return {
      ...figures,
      promptTokens: 12 + Math.floor(words * 1.5),
      outputTokens: request.maxTokens,
      finishReason: 'length',
      totalMs: 1,
      engine: figures,
      wallClock: figures,
      disagreements: [],
      gpuMemoryPeakBytes: 6_000_000,
      batches: 1,
    };
  }

  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    this.forcedInputs.push(input);
    const tokenIds = 'tokenIds' in input ? input.tokenIds : Array.from({ length: 128 }, (_, i) => (i * 31) % 97);
    const top1 = tokenIds.map((_, i) => this.choose(this.model, i));
    return {
      tokenIds,
      top1,
      top1Logprobs: top1.map(() => -0.5),
      targetLogprobs: tokenIds.slice(1).map(() => -3),
    };
  }

  async unload() {}
  async interrupt() {}
  async cancelLoad() {}
}

const protocol = { runs: 2, warmupRuns: 0, decodeTokens: 16, promptLengths: [128] };

const plan: ComparisonPlan = {
  subject: 'ci-small twin',
  variants: [
    {
      label: 'web-llm · WebGPU · q4f32_1',
      engine: 'webllm',
      model: 'w',
      device: 'webgpu',
      precision: 'q4f32_1',
      unavailable: 'no library',
    },
    {
      label: 'A · WebGPU · fp32',
      engine: 'transformers',
      model: 'a',
      device: 'webgpu',
      precision: 'fp32',
      synthetic: true,
      agreement: true,
    },
    {
      label: 'B · CPU · fp32',
      engine: 'transformers',
      model: 'b',
      device: 'wasm',
      precision: 'fp32',
      synthetic: true,
      agreement: true,
    },
    { label: 'C · CPU · F32', engine: 'llamacpp', model: 'broken', device: 'wasm', precision: 'F32', agreement: true },
  ],
};

describe('compareEngines', () => {
  it('measures every variant that can run, keeps the others with why, and compares forced choices', async () => {
    const engine = new ComparisonEngineDouble({ a: 40, b: 10 });
    const { runs, comparison } = await compareEngines(engine, plan, protocol);

    expect(runs.map((run) => [run.model, run.synthetic])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(comparison.entries.map((entry) => [entry.label, entry.runs, entry.skipped])).toEqual([
      ['web-llm · WebGPU · q4f32_1', [], 'no library'],
      ['A · WebGPU · fp32', [0], undefined],
      ['B · CPU · fp32', [1], undefined],
      ['C · CPU · F32', [], expect.stringMatching(/./)],
    ]);
    // The second engine reads the ids the first one read, not the text again.
    expect(engine.forcedInputs[0]).toMatchObject({ maxTokens: 128 });
    expect(engine.forcedInputs[1]).toEqual({ tokenIds: expect.any(Array) });
    expect(comparison.agreement).toMatchObject({
      positions: 128,
      pairs: [{ a: 1, b: 2, positions: 128, agreeing: 128, maxLogprobDelta: 0 }],
    });
    expect(comparison.agreement!.notes).toEqual([expect.stringMatching(/^C · CPU · F32 did not take part: /)]);
    expect(engine.loads.every(({ options }) => options?.weights === undefined)).toBe(true);
  });

  it('counts the positions where two engines choose differently', async () => {
    const engine = new ComparisonEngineDouble({}, (model, i) => (model === 'b' && i % 10 === 3 ? 99 : i));
    const { comparison } = await compareEngines(engine, { ...plan, speed: false }, protocol);
    expect(comparison.agreement!.pairs[0]).toMatchObject({ agreeing: 128 - 13, firstDisagreement: 3 });
    expect(comparison.entries.every((entry) => entry.runs.length === 0)).toBe(true);
  });

  it('stops the whole comparison when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      compareEngines(new ComparisonEngineDouble({}), plan, protocol, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('which variants can run here', () => {
  it('refuses llama.cpp on a GPU without shader-f16, and any WebGPU variant without an adapter', () => {
    expect(deviceRefusal({ engine: 'llamacpp', device: 'webgpu' }, [], true)).toMatch(/shader-f16/);
    expect(deviceRefusal({ engine: 'llamacpp', device: 'webgpu' }, ['shader-f16'], true)).toBeUndefined();
    expect(deviceRefusal({ engine: 'transformers', device: 'webgpu' }, [], false)).toMatch(/no WebGPU adapter/);
    expect(deviceRefusal({ engine: 'llamacpp', device: 'wasm' }, [], false)).toBeUndefined();
  });

  it('refuses a web-llm library built for another runtime, naming the runtime that reads it', () => {
    const library = '/artifacts/mlc/Qwen2-0.5B-Instruct-q4f16_1-ctx4k_cs1k-webgpu.v0_2_48.wasm';
    expect(webllmLibraryRefusal(library)).toBe(
      'web-llm 0.2.86 runs only model libraries built for it (v0_2_86); the library here is v0_2_48, which only web-llm 0.2.79 runs.',
    );
    expect(webllmLibraryRefusal(library, '0.2.79')).toBeUndefined();
    expect(webllmLibraryRefusal('https://x/v0_2_86/base/lib.wasm')).toBeUndefined();
  });

  it('marks the plan for a device before anything loads', () => {
    const marked = withAvailability(
      {
        subject: 's',
        variants: [
          { label: 'l', engine: 'llamacpp', model: 'm', device: 'webgpu', precision: 'F32' },
          {
            label: 'w',
            engine: 'webllm',
            model: 'm',
            device: 'webgpu',
            precision: 'q4f32_1',
            library: 'lib.v0_2_48.wasm',
          },
          { label: 't', engine: 'transformers', model: 'm', device: 'webgpu', precision: 'q4' },
        ],
      },
      { webgpu: 'available', features: ['timestamp-query'] },
    );
    expect(marked.variants.map((variant) => Boolean(variant.unavailable))).toEqual([true, true, false]);
    expect(variantLabel('llama.cpp', 'wasm', 'Q4_0')).toBe('llama.cpp · CPU · Q4_0');
  });
});

describe('the comparison table and the result file', () => {
  async function compared() {
    const { runs, notes, comparison } = await compareEngines(
      new ComparisonEngineDouble({ a: 40, b: 10 }),
      plan,
      protocol,
    );
    return createBenchResult({
      device: {
        adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
        features: [],
        limits: {},
        browser: { brand: 'Chromium', version: '140' },
        platform: 'Linux',
        hardwareConcurrency: 2,
      },
      runs,
      notes,
      comparison,
    });
  }

  it('rates each figure against the best entry: a time or memory above 1, a rate below 1', async () => {
    const rows = comparisonRows(await compared());
    const [a, b, ...skipped] = rows;
    expect(a!.cells.decodeTokensPerSecond).toEqual({ value: 40, ratio: 1 });
    expect(b!.cells.decodeTokensPerSecond).toEqual({ value: 10, ratio: 0.25 });
    expect(b!.cells.ttftMs).toEqual({ value: 100, ratio: 4 });
    expect(a!.cells.coldLoadMs).toEqual({ value: 1000, ratio: 1 });
    expect(a!.memoryOverWeights).toBe(1.5);
    expect(skipped.map((row) => row.entry.label)).toEqual(['web-llm · WebGPU · q4f32_1', 'C · CPU · F32']);
    expect(formatRatio(0.25)).toBe('0.25×');
    expect(formatRatio(undefined)).toBe('–');
  });

  it('prints the note on twins, every skipped engine with why, and the agreement verdict', async () => {
    const result = await compared();
    const markdown = comparisonMarkdown(result);
    expect(markdown.startsWith(SYNTHETIC_NOTE)).toBe(true);
    expect(markdown).toContain('not measured: no library');
    expect(markdown).toContain('A · WebGPU · fp32 (ran on webgpu), synthetic weights: speed only, no quality');
    expect(agreementLines(result)[0]).toMatch(
      /^A · WebGPU · fp32 vs B · CPU · fp32: .* 100% of 128 .*: meets the 99% threshold$/,
    );
    expect(agreementMet(result)).toBe(true);
    result.comparison!.agreement!.pairs[0]!.agreeing = 126;
    expect(agreementMet(result)).toBe(false);
    expect(agreementLines(result)[0]).toMatch(/98.4% of 128 .*BELOW the 99% threshold/);
  });

  it('survives the schema round trip and refuses entries that point at runs the file lacks', async () => {
    const result = await compared();
    const back = validateBenchResult(JSON.parse(JSON.stringify(result)));
    expect(back).toEqual({ ok: true, value: result });
    const broken = JSON.parse(JSON.stringify(result));
    broken.comparison.entries[1].runs = [7];
    expect(validateBenchResult(broken)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/runs\[0\] must name one of the file's 2 runs/),
    });
  });
});
