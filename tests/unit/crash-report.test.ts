import { describe, expect, it } from 'vitest';
import { recordFromWebLlm, type WebLlmModelEntry } from '../../src/core/catalog.js';
import {
  describeCrash,
  modelLabel,
  readRunIntent,
  smallerVariant,
  type RunIntent,
} from '../../src/core/crash-report.js';
import type { FitDevice } from '../../src/core/fit.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';

const GIB = 2 ** 30;

/** Real entries from web-llm 0.2.86's prebuiltAppConfig (the fields the fit check reads). */
const ENTRIES: WebLlmModelEntry[] = [
  {
    model_id: 'SmolLM2-360M-Instruct-q4f16_1-MLC',
    vram_required_MB: 376.06,
    low_resource_required: true,
    required_features: ['shader-f16'],
  },
  { model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC', vram_required_MB: 579.61, low_resource_required: true },
  { model_id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', vram_required_MB: 879.04, low_resource_required: true },
  { model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vram_required_MB: 1128.82, low_resource_required: true },
  { model_id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC', vram_required_MB: 2263.69, low_resource_required: true },
  { model_id: 'gemma-2-2b-it-q4f32_1-MLC', vram_required_MB: 2508.75, low_resource_required: false },
  { model_id: 'gemma-2-2b-it-q4f32_1-MLC-1k', vram_required_MB: 1884.75, low_resource_required: true },
  { model_id: 'Phi-3.5-mini-instruct-q4f16_1-MLC', vram_required_MB: 3672.07, low_resource_required: false },
  { model_id: 'Phi-3.5-mini-instruct-q4f16_1-MLC-1k', vram_required_MB: 2520.07, low_resource_required: true },
  { model_id: 'snowflake-arctic-embed-s-q0f32-MLC-b4', vram_required_MB: 238.71, model_type: 1 },
];
const CATALOG: ModelRecord[] = ENTRIES.map((entry) => recordFromWebLlm(entry));

function device(memoryGB: number | undefined, f16 = false): FitDevice {
  return {
    features: f16 ? ['shader-f16'] : [],
    limits: { maxBufferSize: GIB, maxStorageBufferBindingSize: GIB, maxComputeWorkgroupStorageSize: 32768 },
    deviceMemoryGB: memoryGB,
    isFallbackAdapter: false,
  };
}

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function intent(overrides: Partial<RunIntent> = {}): RunIntent {
  return {
    id: 'run-1',
    kind: 'load',
    engine: 'webllm',
    model: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    deviceMemoryGB: 4,
    phase: 'loading',
    startedAt: NOW - 3 * 60_000,
    ...overrides,
  };
}

describe('describeCrash', () => {
  it('says what was loading, how big it is and what the device reported, and offers a smaller model', () => {
    const report = describeCrash(intent(), { catalog: CATALOG, device: device(4), now: NOW });
    expect(report.title).toBe('The last visit ended while Llama-3.2-1B-Instruct-q4f32_1-MLC was loading');
    expect(report.message).toBe(
      'The tab was closed or crashed 3 minutes ago while loading onto the GPU Llama-3.2-1B-Instruct-q4f32_1-MLC (1.2 GB) on a device reporting 4 GB of memory.',
    );
    // It fits a 4 GB device on paper: the cause is other memory users, not the model alone.
    expect(report.cause).toMatch(/should fit this device/);
    // Without shader-f16 the f16 builds are out: the 360M f32 build is the one that fits.
    expect(report.suggestion?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(report.nextStep).toBe(
      'Try SmolLM2-360M-Instruct-q4f32_1-MLC (608 MB), a smaller model that fits this device.',
    );
  });

  it('blames memory for a model that does not fit, and steps down to the largest instruct model that does', () => {
    const report = describeCrash(intent({ model: 'gemma-2-2b-it-q4f32_1-MLC' }), {
      catalog: CATALOG,
      device: device(4),
      now: NOW,
    });
    expect(report.cause).toMatch(/more GPU memory than this device is likely to have/);
    // The 1k twin (1.9 GB) is still too much for a 2 GB budget; Llama 1B f32 (1.1 GB) fits.
    expect(report.suggestion?.id).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });

  it('prefers the same model with a short context window when it fits comfortably', () => {
    const report = describeCrash(intent({ model: 'Phi-3.5-mini-instruct-q4f16_1-MLC', deviceMemoryGB: 8 }), {
      catalog: CATALOG,
      device: device(8, true),
      now: NOW,
    });
    expect(report.cause).toMatch(/most of the memory/);
    expect(report.suggestion?.id).toBe('Phi-3.5-mini-instruct-q4f16_1-MLC-1k');
  });

  it('steps down within the family first', () => {
    const report = describeCrash(intent({ model: 'Llama-3.2-3B-Instruct-q4f16_1-MLC', deviceMemoryGB: 8 }), {
      catalog: CATALOG,
      device: device(8, true),
      now: NOW,
    });
    // SmolLM2 and Llama 1B f32 also fit; the family's own smaller build is the gentler change.
    expect(report.suggestion?.id).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
  });

  it('points at a closed or sleeping tab when it died while downloading a model that fits', () => {
    const report = describeCrash(intent({ phase: 'downloading' }), { catalog: CATALOG, device: device(4), now: NOW });
    expect(report.message).toContain('while downloading Llama-3.2-1B');
    expect(report.cause).toMatch(/still downloading/);
  });

  it('describes an unfinished benchmark', () => {
    const report = describeCrash(intent({ kind: 'bench', phase: undefined, startedAt: NOW - 30_000 }), {
      catalog: CATALOG,
      device: device(4),
      now: NOW,
    });
    expect(report.title).toBe('The last benchmark did not finish');
    expect(report.message).toMatch(/^The tab was closed or crashed less than a minute ago while benchmarking Llama/);
  });

  it('describes an unfinished evaluation, with a smaller model to try', () => {
    const report = describeCrash(intent({ kind: 'eval', phase: undefined, startedAt: NOW - 10 * 60_000 }), {
      catalog: CATALOG,
      device: device(4),
      now: NOW,
    });
    expect(report.title).toBe('The last evaluation did not finish');
    expect(report.message).toBe(
      'The tab was closed or crashed 10 minutes ago while evaluating Llama-3.2-1B-Instruct-q4f32_1-MLC (1.2 GB) on a device reporting 4 GB of memory.',
    );
    expect(report.suggestion?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
  });

  it('uses the size the intent recorded for a model the catalog does not list, and a short name for a folder URL', () => {
    const report = describeCrash(
      intent({
        engine: 'transformers',
        model: 'http://127.0.0.1:4173/fixtures/onnx-tiny@fp32',
        sizeBytes: 1.5e9,
        deviceMemoryGB: undefined,
        phase: undefined,
        startedAt: NOW - 5 * 3_600_000,
      }),
      { catalog: [], device: device(undefined), now: NOW },
    );
    expect(report.title).toBe('The last visit ended while onnx-tiny (fp32) was loading');
    expect(report.message).toBe('The tab was closed or crashed 5 hours ago while loading onnx-tiny (fp32) (1.5 GB).');
    expect(report.suggestion).toBeUndefined();
    expect(report.nextStep).toMatch(/no clearly smaller model/);
  });

  it('makes no suggestion before the device is known', () => {
    const report = describeCrash(intent(), { catalog: CATALOG, device: undefined, now: NOW });
    expect(report.suggestion).toBeUndefined();
    expect(report.nextStep).toBe(
      'Close other tabs and apps that use the GPU, then try again, or pick a smaller model.',
    );
  });
});

describe('smallerVariant', () => {
  it('never offers an embedding model or the crashed model itself', () => {
    const smol = CATALOG.find((record) => record.id === 'SmolLM2-360M-Instruct-q4f32_1-MLC')!;
    // 60% of 580 MB leaves only the embedding model (239 MB), which is not a chat model.
    expect(smallerVariant(smol, undefined, device(16, true), CATALOG)).toBeUndefined();
  });

  it('needs a size to compare against', () => {
    expect(smallerVariant(undefined, undefined, device(4), CATALOG)).toBeUndefined();
  });
});

describe('readRunIntent', () => {
  it.each(['load', 'bench', 'eval'] as const)('reads back what was written (%s)', (kind) => {
    const written = intent({ kind, device: 'webgpu', sizeBytes: 123, owner: 'support-chat' });
    expect(readRunIntent(JSON.parse(JSON.stringify(written)))).toEqual(written);
  });

  it.each([
    ['not an object', 'load'],
    ['no id', { ...intent(), id: '' }],
    ['an unknown kind', { ...intent(), kind: 'train' }],
    ['an unknown engine', { ...intent(), engine: 'cuda' }],
    ['no model', { ...intent(), model: undefined }],
    ['no start time', { ...intent(), startedAt: 'yesterday' }],
  ])('rejects %s', (_name, value) => {
    expect(readRunIntent(value)).toBeUndefined();
  });

  it('drops optional fields that are malformed and keeps the rest', () => {
    const read = readRunIntent({
      ...intent(),
      sizeBytes: -5,
      deviceMemoryGB: 'lots',
      phase: 'dreaming',
      device: 'tpu',
      owner: 42,
    });
    expect(read).toEqual({
      id: 'run-1',
      kind: 'load',
      engine: 'webllm',
      model: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      startedAt: NOW - 3 * 60_000,
    });
  });
});

describe('modelLabel', () => {
  it('shortens a folder URL to its name and weights, and leaves catalog ids alone', () => {
    expect(modelLabel('https://models.example/team/SmolLM2-135M/@q4')).toBe('SmolLM2-135M (q4)');
    expect(modelLabel('HuggingFaceTB/SmolLM2-135M-Instruct@q4')).toBe('HuggingFaceTB/SmolLM2-135M-Instruct@q4');
  });
});
