import { describe, expect, it } from 'vitest';
import { isInstructModel, recordFromWebLlm, type WebLlmModelEntry } from '../../src/core/catalog.js';
import {
  ASSUMED_DEVICE_MEMORY_GB,
  checkFit,
  defaultModel,
  memoryBudgetMB,
  needsShaderF16,
  type FitDevice,
  type FitVerdict,
} from '../../src/core/fit.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Real entries from web-llm 0.2.86's prebuiltAppConfig (only the fields the fit check reads). */
const ENTRIES: WebLlmModelEntry[] = [
  {
    model_id: 'SmolLM2-360M-Instruct-q4f16_1-MLC',
    vram_required_MB: 376.06,
    low_resource_required: true,
    required_features: ['shader-f16'],
  },
  { model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC', vram_required_MB: 579.61, low_resource_required: true },
  // No required_features, but the quantization is f16.
  { model_id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', vram_required_MB: 879.04, low_resource_required: true },
  { model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vram_required_MB: 1128.82, low_resource_required: true },
  {
    model_id: 'gemma-2-2b-it-q4f16_1-MLC',
    vram_required_MB: 1895.3,
    low_resource_required: false,
    required_features: ['shader-f16'],
  },
  { model_id: 'gemma-2-2b-it-q4f32_1-MLC', vram_required_MB: 2508.75, low_resource_required: false },
  {
    model_id: 'gemma-2-2b-it-q4f16_1-MLC-1k',
    vram_required_MB: 1583.3,
    low_resource_required: true,
    required_features: ['shader-f16'],
  },
  { model_id: 'gemma-2-2b-it-q4f32_1-MLC-1k', vram_required_MB: 1884.75, low_resource_required: true },
  { model_id: 'Phi-3.5-mini-instruct-q4f16_1-MLC', vram_required_MB: 3672.07, low_resource_required: false },
  { model_id: 'Phi-3.5-mini-instruct-q4f16_1-MLC-1k', vram_required_MB: 2520.07, low_resource_required: true },
  {
    model_id: 'gemma-4-E2B-it-q4f16_1-MLC',
    buffer_size_required_bytes: 201326592, // 192 MiB
    vram_required_MB: 3387.37,
    low_resource_required: false,
    required_features: ['shader-f16'],
  },
  { model_id: 'Llama-3.1-8B-Instruct-q4f32_1-MLC', vram_required_MB: 6101.01, low_resource_required: false },
  { model_id: 'Llama-3.1-8B-Instruct-q4f32_1-MLC-1k', vram_required_MB: 5295.7, low_resource_required: true },
  { model_id: 'Llama-3.1-8B-Instruct-q4f16_1-MLC', vram_required_MB: 5001.0, low_resource_required: false },
  { model_id: 'snowflake-arctic-embed-s-q0f32-MLC-b4', vram_required_MB: 238.71, model_type: 1 },
];

const CATALOG: ModelRecord[] = ENTRIES.map((entry) => recordFromWebLlm(entry));

function model(id: string): ModelRecord {
  const found = CATALOG.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`fixture has no ${id}`);
  return found;
}

function device(overrides: Partial<FitDevice> & { maxStorageBufferBindingSize?: number }): FitDevice {
  const { maxStorageBufferBindingSize = GIB, ...rest } = overrides;
  return {
    features: [],
    deviceMemoryGB: 8,
    isFallbackAdapter: false,
    limits: {
      maxBufferSize: maxStorageBufferBindingSize,
      maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: 16384,
    },
    ...rest,
  };
}

/** Chrome's software rasteriser: no shader-f16, 1 GiB bindings. */
const SWIFTSHADER = device({
  features: [],
  deviceMemoryGB: 8,
  maxStorageBufferBindingSize: GIB,
  isFallbackAdapter: true,
});
/** A discrete desktop GPU; Chrome caps deviceMemory at 8. */
const DESKTOP = device({ features: ['shader-f16'], deviceMemoryGB: 8, maxStorageBufferBindingSize: 2 * GIB });
/** A low-end phone: 2 GB, 128 MiB bindings. */
const PHONE = device({ features: ['shader-f16'], deviceMemoryGB: 2, maxStorageBufferBindingSize: 128 * MIB });
/** A mid-range phone: 8 GB but 256 MiB bindings. */
const MID_PHONE = device({ features: ['shader-f16'], deviceMemoryGB: 8, maxStorageBufferBindingSize: 256 * MIB });
/** Firefox / Safari: no navigator.deviceMemory. */
const HIDDEN_MEMORY = device({ features: ['shader-f16'], deviceMemoryGB: undefined, maxStorageBufferBindingSize: GIB });

describe('memoryBudgetMB', () => {
  it('is half of system memory, in MiB, assuming 4 GB when hidden', () => {
    expect(memoryBudgetMB(SWIFTSHADER)).toEqual({ budgetMB: 4096, assumed: false }); // 8 * 1024 * 0.5
    expect(memoryBudgetMB(PHONE)).toEqual({ budgetMB: 1024, assumed: false }); // 2 * 1024 * 0.5
    expect(ASSUMED_DEVICE_MEMORY_GB).toBe(4);
    expect(memoryBudgetMB(HIDDEN_MEMORY)).toEqual({ budgetMB: 2048, assumed: true }); // 4 * 1024 * 0.5
    expect(memoryBudgetMB(device({ deviceMemoryGB: 0.5 }))).toEqual({ budgetMB: 256, assumed: false });
  });
});

describe('needsShaderF16', () => {
  it('follows required_features or an f16 quantization', () => {
    expect(needsShaderF16(model('SmolLM2-360M-Instruct-q4f16_1-MLC'))).toBe(true);
    expect(needsShaderF16(model('Llama-3.2-1B-Instruct-q4f16_1-MLC'))).toBe(true);
    expect(needsShaderF16(model('Llama-3.2-1B-Instruct-q4f32_1-MLC'))).toBe(false);
    const declaredOnly = { ...model('Llama-3.2-1B-Instruct-q4f32_1-MLC'), requiredFeatures: ['shader-f16'] };
    expect(needsShaderF16(declaredOnly)).toBe(true);
  });
});

type Case = [
  deviceName: string,
  device: FitDevice,
  modelId: string,
  verdict: FitVerdict,
  alternative: string | undefined,
];

// Budgets (MiB): SwiftShader/desktop/mid-phone 4096 (comfortable up to 2867.2), phone 1024 (716.8),
// hidden memory 2048 (1433.6). Bindings: low-resource 128 MiB, otherwise 1 GiB unless declared.
const CASES: Case[] = [
  // SwiftShader: every f16 model needs its f32 twin.
  ['swiftshader', SWIFTSHADER, 'SmolLM2-360M-Instruct-q4f16_1-MLC', 'needs-f16', 'SmolLM2-360M-Instruct-q4f32_1-MLC'],
  ['swiftshader', SWIFTSHADER, 'Llama-3.2-1B-Instruct-q4f16_1-MLC', 'needs-f16', 'Llama-3.2-1B-Instruct-q4f32_1-MLC'],
  ['swiftshader', SWIFTSHADER, 'gemma-2-2b-it-q4f16_1-MLC', 'needs-f16', 'gemma-2-2b-it-q4f32_1-MLC'],
  ['swiftshader', SWIFTSHADER, 'gemma-2-2b-it-q4f16_1-MLC-1k', 'needs-f16', 'gemma-2-2b-it-q4f32_1-MLC-1k'],
  ['swiftshader', SWIFTSHADER, 'Phi-3.5-mini-instruct-q4f16_1-MLC', 'needs-f16', undefined], // no q4f32 in fixture
  ['swiftshader', SWIFTSHADER, 'Llama-3.1-8B-Instruct-q4f16_1-MLC', 'needs-f16', 'Llama-3.1-8B-Instruct-q4f32_1-MLC'],
  ['swiftshader', SWIFTSHADER, 'SmolLM2-360M-Instruct-q4f32_1-MLC', 'fits', undefined], // 579.61 <= 2867.2
  ['swiftshader', SWIFTSHADER, 'Llama-3.2-1B-Instruct-q4f32_1-MLC', 'fits', undefined],
  ['swiftshader', SWIFTSHADER, 'gemma-2-2b-it-q4f32_1-MLC', 'fits', undefined], // 1 GiB binding <= 1 GiB; 2508.75 <= 2867.2
  // 6101.01 > 4096; its -1k twin (5295.7) does not fit either.
  ['swiftshader', SWIFTSHADER, 'Llama-3.1-8B-Instruct-q4f32_1-MLC', 'wont-fit', undefined],

  // High-end desktop with shader-f16.
  ['desktop', DESKTOP, 'SmolLM2-360M-Instruct-q4f16_1-MLC', 'fits', undefined],
  ['desktop', DESKTOP, 'Llama-3.2-1B-Instruct-q4f16_1-MLC', 'fits', undefined],
  ['desktop', DESKTOP, 'gemma-2-2b-it-q4f16_1-MLC', 'fits', undefined], // 1895.3 <= 2867.2
  ['desktop', DESKTOP, 'Phi-3.5-mini-instruct-q4f16_1-MLC', 'tight', 'Phi-3.5-mini-instruct-q4f16_1-MLC-1k'], // 2867.2 < 3672.07 <= 4096
  ['desktop', DESKTOP, 'Phi-3.5-mini-instruct-q4f16_1-MLC-1k', 'fits', undefined], // 2520.07
  ['desktop', DESKTOP, 'gemma-4-E2B-it-q4f16_1-MLC', 'tight', undefined], // 3387.37, no -1k twin
  ['desktop', DESKTOP, 'Llama-3.1-8B-Instruct-q4f16_1-MLC', 'wont-fit', undefined], // 5001 > 4096
  ['desktop', DESKTOP, 'Llama-3.1-8B-Instruct-q4f32_1-MLC-1k', 'wont-fit', undefined], // 5295.7 > 4096

  // Phone: 1024 MiB budget, 128 MiB bindings.
  ['phone', PHONE, 'SmolLM2-360M-Instruct-q4f16_1-MLC', 'fits', undefined], // 376.06 <= 716.8
  ['phone', PHONE, 'SmolLM2-360M-Instruct-q4f32_1-MLC', 'fits', undefined], // 579.61 <= 716.8
  ['phone', PHONE, 'Llama-3.2-1B-Instruct-q4f16_1-MLC', 'tight', undefined], // 716.8 < 879.04 <= 1024
  ['phone', PHONE, 'Llama-3.2-1B-Instruct-q4f32_1-MLC', 'wont-fit', undefined], // 1128.82 > 1024
  ['phone', PHONE, 'gemma-2-2b-it-q4f16_1-MLC', 'wont-fit', undefined], // needs 1 GiB bindings
  ['phone', PHONE, 'gemma-2-2b-it-q4f16_1-MLC-1k', 'wont-fit', undefined], // binding ok, 1583.3 > 1024
  ['phone', PHONE, 'gemma-4-E2B-it-q4f16_1-MLC', 'wont-fit', undefined], // declares 192 MiB > 128 MiB

  // Mid phone: plenty of memory, 256 MiB bindings.
  ['mid-phone', MID_PHONE, 'gemma-2-2b-it-q4f16_1-MLC', 'wont-fit', undefined], // default 1 GiB > 256 MiB
  ['mid-phone', MID_PHONE, 'gemma-2-2b-it-q4f16_1-MLC-1k', 'fits', undefined], // low-resource: 128 MiB
  ['mid-phone', MID_PHONE, 'gemma-4-E2B-it-q4f16_1-MLC', 'tight', undefined], // declared 192 MiB <= 256 MiB

  // Hidden device memory: assumed 4 GB -> 2048 MiB budget.
  ['hidden-memory', HIDDEN_MEMORY, 'SmolLM2-360M-Instruct-q4f16_1-MLC', 'fits', undefined],
  ['hidden-memory', HIDDEN_MEMORY, 'Llama-3.2-1B-Instruct-q4f32_1-MLC', 'fits', undefined], // 1128.82 <= 1433.6
  ['hidden-memory', HIDDEN_MEMORY, 'gemma-2-2b-it-q4f16_1-MLC', 'tight', 'gemma-2-2b-it-q4f16_1-MLC-1k'], // 1433.6 < 1895.3 <= 2048
  ['hidden-memory', HIDDEN_MEMORY, 'gemma-2-2b-it-q4f16_1-MLC-1k', 'tight', undefined], // 1583.3
  ['hidden-memory', HIDDEN_MEMORY, 'gemma-2-2b-it-q4f32_1-MLC', 'wont-fit', 'gemma-2-2b-it-q4f32_1-MLC-1k'], // 2508.75 > 2048; twin 1884.75 fits
  ['hidden-memory', HIDDEN_MEMORY, 'Phi-3.5-mini-instruct-q4f16_1-MLC', 'wont-fit', undefined], // twin 2520.07 > 2048
];

describe('checkFit', () => {
  it.each(CASES)('%s: %s -> %s (alternative %s)', (_name, fitDevice, modelId, verdict, alternative) => {
    const result = checkFit(model(modelId), fitDevice, CATALOG);
    expect(result.verdict).toBe(verdict);
    expect(result.alternative?.id).toBe(alternative);
    expect(result.budgetMB).toBe(memoryBudgetMB(fitDevice).budgetMB);
    expect(result.budgetIsAssumed).toBe(fitDevice.deviceMemoryGB === undefined);
    expect(result.reason.length).toBeGreaterThan(10);
  });

  it('puts the budget and its origin into the reason', () => {
    expect(checkFit(model('SmolLM2-360M-Instruct-q4f16_1-MLC'), DESKTOP, CATALOG).reason).toBe(
      'Needs 394 MB of about 4.3 GB.',
    );
    const hidden = checkFit(model('SmolLM2-360M-Instruct-q4f16_1-MLC'), HIDDEN_MEMORY, CATALOG);
    expect(hidden.budgetMB).toBe(2048);
    expect(hidden.budgetIsAssumed).toBe(true);
    expect(hidden.reason).toBe('Needs 394 MB of about 2.1 GB (assumed: this browser does not report device memory).');
  });

  it('names the f32 twin in a needs-f16 reason', () => {
    expect(checkFit(model('SmolLM2-360M-Instruct-q4f16_1-MLC'), SWIFTSHADER, CATALOG).reason).toBe(
      'This GPU lacks the shader-f16 feature this quantization needs; SmolLM2-360M-Instruct-q4f32_1-MLC runs without it.',
    );
    expect(checkFit(model('Phi-3.5-mini-instruct-q4f16_1-MLC'), SWIFTSHADER, CATALOG).reason).toBe(
      'This GPU lacks the shader-f16 feature this quantization needs.',
    );
  });

  it('states the binding sizes when storage buffers are too large', () => {
    expect(checkFit(model('gemma-2-2b-it-q4f16_1-MLC'), PHONE, CATALOG).reason).toBe(
      'Needs 1.1 GB storage buffers; this GPU allows 134 MB.',
    );
    expect(checkFit(model('gemma-4-E2B-it-q4f16_1-MLC'), PHONE, CATALOG).reason).toBe(
      'Needs 201 MB storage buffers; this GPU allows 134 MB.',
    );
  });

  it('names the -1k twin in a tight reason', () => {
    expect(checkFit(model('Phi-3.5-mini-instruct-q4f16_1-MLC'), DESKTOP, CATALOG).reason).toBe(
      'Needs 3.9 GB of about 4.3 GB; Phi-3.5-mini-instruct-q4f16_1-MLC-1k needs 2.6 GB.',
    );
  });

  it('is tight exactly at the budget and fits exactly at 70% of it', () => {
    const base = model('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(checkFit({ ...base, vramMB: 4096 }, SWIFTSHADER, []).verdict).toBe('tight');
    expect(checkFit({ ...base, vramMB: 4096.01 }, SWIFTSHADER, []).verdict).toBe('wont-fit');
    expect(checkFit({ ...base, vramMB: 716.8 }, PHONE, []).verdict).toBe('fits'); // 1024 * 0.7
    expect(checkFit({ ...base, vramMB: 716.81 }, PHONE, []).verdict).toBe('tight');
  });
});

describe('defaultModel', () => {
  const pick = (fitDevice: FitDevice, candidates: readonly ModelRecord[] = CATALOG) =>
    defaultModel(candidates, fitDevice, CATALOG, isInstructModel)?.id;

  it('picks the smallest instruct model that fits, skipping ones that need f16', () => {
    // The embedding model (238.71 MB) is smaller but not an instruct model.
    expect(pick(DESKTOP)).toBe('SmolLM2-360M-Instruct-q4f16_1-MLC');
    expect(pick(PHONE)).toBe('SmolLM2-360M-Instruct-q4f16_1-MLC');
    expect(pick(SWIFTSHADER)).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
  });

  it('falls back to the smallest tight model, then to none', () => {
    // 1 GB -> 512 MiB budget, 358.4 comfortable: SmolLM2 q4f16 (376.06) is only tight.
    expect(pick(device({ features: ['shader-f16'], deviceMemoryGB: 1 }))).toBe('SmolLM2-360M-Instruct-q4f16_1-MLC');
    // 0.25 GB -> 128 MiB budget: nothing fits.
    expect(pick(device({ features: ['shader-f16'], deviceMemoryGB: 0.25 }))).toBeUndefined();
  });

  it('skips a smaller model whose storage buffers are too large for the device', () => {
    const base = model('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    const wide = { ...base, id: 'wide-Instruct-q4f32_1', vramMB: 600, lowResource: false }; // needs 1 GiB bindings
    const narrow = { ...base, id: 'narrow-Instruct-q4f32_1', vramMB: 700, lowResource: true }; // 700 <= 716.8
    expect(pick(PHONE, [wide, narrow])).toBe('narrow-Instruct-q4f32_1');
    // 1 GB without f16: SmolLM2 q4f32 (579.61) is over the 512 MiB budget and every f16 model is out.
    expect(pick(device({ features: [], deviceMemoryGB: 1 }))).toBeUndefined();
  });

  it('returns undefined for no candidates', () => {
    expect(pick(DESKTOP, [])).toBeUndefined();
  });
});
