import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import {
  SMALL_MODEL_VRAM_MB,
  f32Twin,
  filterCatalog,
  isInstructModel,
  quantizationNeedsF16,
  quantizationOf,
  recordFromWebLlm,
  shortContextTwin,
  type WebLlmModelEntry,
} from '../../src/core/catalog.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';

const LIB = 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base';

/** Entries copied from web-llm 0.2.86's prebuiltAppConfig (model_lib shortened to the same prefix). */
const ENTRIES: WebLlmModelEntry[] = [
  {
    model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f16_1-MLC',
    model_id: 'SmolLM2-360M-Instruct-q4f16_1-MLC',
    model_lib: `${LIB}/SmolLM2-360M-Instruct-q4f16_1_cs1k-webgpu.wasm`,
    vram_required_MB: 376.06,
    low_resource_required: true,
    required_features: ['shader-f16'],
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
    model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
    model_lib: `${LIB}/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm`,
    vram_required_MB: 579.61,
    low_resource_required: true,
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f16_1-MLC',
    model_id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC',
    model_lib: `${LIB}/Llama-3.2-1B-Instruct-q4f16_1_cs1k-webgpu.wasm`,
    vram_required_MB: 879.04,
    low_resource_required: true,
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f32_1-MLC',
    model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    model_lib: `${LIB}/Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm`,
    vram_required_MB: 1128.82,
    low_resource_required: true,
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/gemma-2-2b-it-q4f16_1-MLC',
    model_id: 'gemma-2-2b-it-q4f16_1-MLC',
    model_lib: `${LIB}/gemma-2-2b-it-q4f16_1_cs1k-webgpu.wasm`,
    vram_required_MB: 1895.3,
    low_resource_required: false,
    required_features: ['shader-f16'],
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/gemma-2-2b-it-q4f16_1-MLC',
    model_id: 'gemma-2-2b-it-q4f16_1-MLC-1k',
    model_lib: `${LIB}/gemma-2-2b-it-q4f16_1_cs1k-webgpu.wasm`,
    vram_required_MB: 1583.3,
    low_resource_required: true,
    required_features: ['shader-f16'],
    overrides: { context_window_size: 1024 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Phi-3.5-vision-instruct-q4f16_1-MLC',
    model_id: 'Phi-3.5-vision-instruct-q4f16_1-MLC',
    model_lib: `${LIB}/Phi-3.5-vision-instruct-q4f16_1_cs4k-webgpu.wasm`,
    vram_required_MB: 4521.54,
    low_resource_required: false,
    overrides: { context_window_size: 4096 },
    model_type: 2,
  },
  {
    model: 'https://huggingface.co/mlc-ai/snowflake-arctic-embed-m-q0f32-MLC',
    model_id: 'snowflake-arctic-embed-m-q0f32-MLC-b4',
    model_lib: `${LIB}/snowflake-arctic-embed-m-q0f32-ctx512_cs512_batch4-webgpu.wasm`,
    vram_required_MB: 539.4,
    model_type: 1,
  },
  {
    model: 'https://huggingface.co/mlc-ai/Llama-3.1-8B-Instruct-q4f32_1-MLC',
    model_id: 'Llama-3.1-8B-Instruct-q4f32_1-MLC',
    model_lib: `${LIB}/Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm`,
    vram_required_MB: 6101.01,
    low_resource_required: false,
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Ministral-3-3B-Base-2512-q4f16_1-MLC',
    model_id: 'Ministral-3-3B-Base-2512-q4f16_1-MLC',
    model_lib: `${LIB}/Ministral-3-3B-Base-2512-q4f16_1_cs1k-webgpu.wasm`,
    vram_required_MB: 2863.69,
    low_resource_required: true,
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    model_id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    model_lib: `${LIB}/Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm`,
    low_resource_required: true,
    vram_required_MB: 944.62,
    overrides: { context_window_size: 4096 },
  },
];

const RECORDS = ENTRIES.map((entry) => recordFromWebLlm(entry));

function record(id: string): ModelRecord {
  const found = RECORDS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`fixture has no ${id}`);
  return found;
}

describe('recordFromWebLlm', () => {
  it('parses a SmolLM2 entry completely', () => {
    expect(record('SmolLM2-360M-Instruct-q4f16_1-MLC')).toEqual({
      id: 'SmolLM2-360M-Instruct-q4f16_1-MLC',
      engine: 'webllm',
      kind: 'chat',
      family: 'SmolLM2',
      parameters: '360M',
      parameterCount: 360e6,
      quantization: 'q4f16_1',
      vramMB: 376.06,
      contextWindow: 4096,
      requiredFeatures: ['shader-f16'],
      bufferSizeRequiredBytes: undefined,
      lowResource: true,
      cached: false,
    });
  });

  it.each([
    ['Llama-3.2-1B-Instruct-q4f16_1-MLC', 'Llama 3.2', '1B', 1e9, 'q4f16_1'],
    ['gemma-2-2b-it-q4f16_1-MLC', 'gemma 2', '2B', 2e9, 'q4f16_1'],
    ['gemma-2-2b-it-q4f16_1-MLC-1k', 'gemma 2', '2B', 2e9, 'q4f16_1'],
    ['Llama-3.1-8B-Instruct-q4f32_1-MLC', 'Llama 3.1', '8B', 8e9, 'q4f32_1'],
    ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC', 'Qwen2.5', '0.5B', 0.5e9, 'q4f16_1'],
    ['Ministral-3-3B-Base-2512-q4f16_1-MLC', 'Ministral 3', '3B', 3e9, 'q4f16_1'],
    // No parameter count in the id: the family ends before the quantization, suffixes stripped.
    ['Phi-3.5-vision-instruct-q4f16_1-MLC', 'Phi 3.5 vision', '?', undefined, 'q4f16_1'],
    ['snowflake-arctic-embed-m-q0f32-MLC-b4', 'snowflake arctic embed m', '?', undefined, 'q0f32'],
  ])('%s -> family %s, %s parameters, %s', (id, family, label, count, quantization) => {
    const parsed = record(id);
    expect(parsed.family).toBe(family);
    expect(parsed.parameters).toBe(label);
    expect(parsed.parameterCount).toBe(count);
    expect(parsed.quantization).toBe(quantization);
  });

  it('keeps the declared VRAM, features, low-resource flag and buffer size', () => {
    const llama = record('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(llama.vramMB).toBe(879.04);
    expect(llama.requiredFeatures).toEqual([]); // web-llm does not declare shader-f16 here
    expect(llama.lowResource).toBe(true);
    expect(record('Llama-3.1-8B-Instruct-q4f32_1-MLC').lowResource).toBe(false);
    expect(record('snowflake-arctic-embed-m-q0f32-MLC-b4').lowResource).toBe(false);

    const withBuffer = recordFromWebLlm({
      model_id: 'gemma-4-E2B-it-q4f16_1-MLC',
      buffer_size_required_bytes: 201326592,
      vram_required_MB: 3387.37,
    });
    expect(withBuffer.bufferSizeRequiredBytes).toBe(201326592);
    expect(recordFromWebLlm({ model_id: 'x-q4f16_1-MLC' }).vramMB).toBe(0);
  });

  it('copies required features instead of sharing the catalog array', () => {
    const entry: WebLlmModelEntry = { model_id: 'a-1B-q4f16_1-MLC', required_features: ['shader-f16'] };
    const parsed = recordFromWebLlm(entry);
    entry.required_features!.push('changed');
    expect(parsed.requiredFeatures).toEqual(['shader-f16']);
  });

  it('takes the context window from overrides, else from a -1k suffix, else undefined', () => {
    expect(record('gemma-2-2b-it-q4f16_1-MLC').contextWindow).toBe(4096);
    expect(record('gemma-2-2b-it-q4f16_1-MLC-1k').contextWindow).toBe(1024);
    expect(recordFromWebLlm({ model_id: 'gemma-2-2b-it-q4f16_1-MLC-1k' }).contextWindow).toBe(1024);
    expect(recordFromWebLlm({ model_id: 'gemma-2-2b-it-q4f16_1-MLC' }).contextWindow).toBeUndefined();
    // A zero or negative override is not a window.
    expect(
      recordFromWebLlm({ model_id: 'gemma-2-2b-it-q4f16_1-MLC-1k', overrides: { context_window_size: -1 } })
        .contextWindow,
    ).toBe(1024);
    expect(record('snowflake-arctic-embed-m-q0f32-MLC-b4').contextWindow).toBeUndefined();
  });

  it('classifies kinds: embedding (1), vision (2), Base ids, chat otherwise', () => {
    expect(record('snowflake-arctic-embed-m-q0f32-MLC-b4').kind).toBe('embedding');
    expect(record('Phi-3.5-vision-instruct-q4f16_1-MLC').kind).toBe('vision');
    expect(record('Ministral-3-3B-Base-2512-q4f16_1-MLC').kind).toBe('base');
    expect(record('Llama-3.1-8B-Instruct-q4f32_1-MLC').kind).toBe('chat');
    expect(recordFromWebLlm({ model_id: 'Llama-3-8B-q4f16_1-MLC', model_type: 0 }).kind).toBe('chat');
  });

  it('uses the engine it is given', () => {
    expect(recordFromWebLlm(ENTRIES[0]!, 'double').engine).toBe('double');
  });
});

describe('quantizationOf / quantizationNeedsF16', () => {
  it.each([
    ['SmolLM2-135M-Instruct-q0f16-MLC', 'q0f16', true],
    ['SmolLM2-135M-Instruct-q0f32-MLC', 'q0f32', false],
    ['Llama-3.2-1B-Instruct-q4f16_1-MLC', 'q4f16_1', true],
    ['Llama-3.2-1B-Instruct-q4f32_1-MLC', 'q4f32_1', false],
    ['gemma-2-2b-it-q4f16_1-MLC-1k', 'q4f16_1', true],
    ['no-quantization-here', '', false],
  ])('%s -> %s (needs f16: %s)', (id, quantization, needsF16) => {
    expect(quantizationOf(id)).toBe(quantization);
    expect(quantizationNeedsF16(quantization)).toBe(needsF16);
  });
});

describe('filterCatalog', () => {
  it('by default lists only chat models up to 4096 MB, smallest first', () => {
    expect(filterCatalog(RECORDS, { showAll: false }).map((r) => r.id)).toEqual([
      'SmolLM2-360M-Instruct-q4f16_1-MLC', // 376.06
      'SmolLM2-360M-Instruct-q4f32_1-MLC', // 579.61
      'Llama-3.2-1B-Instruct-q4f16_1-MLC', // 879.04
      'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', // 944.62
      'Llama-3.2-1B-Instruct-q4f32_1-MLC', // 1128.82
      'gemma-2-2b-it-q4f16_1-MLC-1k', // 1583.3
      'gemma-2-2b-it-q4f16_1-MLC', // 1895.3
    ]);
  });

  it('keeps a chat model of exactly 4096 MB and drops one just above', () => {
    const at = { ...record('SmolLM2-360M-Instruct-q4f32_1-MLC'), id: 'at-limit', vramMB: SMALL_MODEL_VRAM_MB };
    const above = { ...at, id: 'above-limit', vramMB: SMALL_MODEL_VRAM_MB + 0.01 };
    expect(filterCatalog([above, at], { showAll: false }).map((r) => r.id)).toEqual(['at-limit']);
  });

  it('showAll lists every model, vision, embedding, base and large included, sorted by VRAM', () => {
    const all = filterCatalog(RECORDS, { showAll: true });
    expect(all).toHaveLength(RECORDS.length);
    expect(all.map((r) => r.id)).toEqual([
      'SmolLM2-360M-Instruct-q4f16_1-MLC',
      'snowflake-arctic-embed-m-q0f32-MLC-b4',
      'SmolLM2-360M-Instruct-q4f32_1-MLC',
      'Llama-3.2-1B-Instruct-q4f16_1-MLC',
      'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
      'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      'gemma-2-2b-it-q4f16_1-MLC-1k',
      'gemma-2-2b-it-q4f16_1-MLC',
      'Ministral-3-3B-Base-2512-q4f16_1-MLC',
      'Phi-3.5-vision-instruct-q4f16_1-MLC',
      'Llama-3.1-8B-Instruct-q4f32_1-MLC',
    ]);
  });

  it('breaks VRAM ties by id', () => {
    const base = record('SmolLM2-360M-Instruct-q4f32_1-MLC');
    const b = { ...base, id: 'b-model', vramMB: 100 };
    const a = { ...base, id: 'a-model', vramMB: 100 };
    expect(filterCatalog([b, a], { showAll: true }).map((r) => r.id)).toEqual(['a-model', 'b-model']);
  });

  it('filters by a case-insensitive query on id and family, ignoring surrounding spaces', () => {
    expect(filterCatalog(RECORDS, { showAll: false, query: '  LLAMA ' }).map((r) => r.id)).toEqual([
      'Llama-3.2-1B-Instruct-q4f16_1-MLC',
      'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    ]);
    expect(filterCatalog(RECORDS, { showAll: true, query: 'llama' }).map((r) => r.id)).toEqual([
      'Llama-3.2-1B-Instruct-q4f16_1-MLC',
      'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      'Llama-3.1-8B-Instruct-q4f32_1-MLC',
    ]);
    // "gemma 2" is the family (with a space), not a substring of the id.
    expect(filterCatalog(RECORDS, { showAll: false, query: 'gemma 2' })).toHaveLength(2);
    expect(filterCatalog(RECORDS, { showAll: true, query: 'embed' }).map((r) => r.id)).toEqual([
      'snowflake-arctic-embed-m-q0f32-MLC-b4',
    ]);
    expect(filterCatalog(RECORDS, { showAll: false, query: 'embed' })).toEqual([]);
    expect(filterCatalog(RECORDS, { showAll: false, query: '   ' })).toHaveLength(7);
  });

  it('does not reorder the input array', () => {
    const input = [record('gemma-2-2b-it-q4f16_1-MLC'), record('SmolLM2-360M-Instruct-q4f16_1-MLC')];
    filterCatalog(input, { showAll: true });
    expect(input[0]!.id).toBe('gemma-2-2b-it-q4f16_1-MLC');
  });
});

describe('isInstructModel', () => {
  it.each([
    ['SmolLM2-360M-Instruct-q4f16_1-MLC', true],
    ['gemma-2-2b-it-q4f16_1-MLC', true],
    ['gemma-2-2b-it-q4f16_1-MLC-1k', true],
    ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC', true],
    ['Ministral-3-3B-Base-2512-q4f16_1-MLC', false], // base kind
    ['Phi-3.5-vision-instruct-q4f16_1-MLC', false], // vision kind, even though "instruct"
    ['snowflake-arctic-embed-m-q0f32-MLC-b4', false], // embedding kind
  ])('%s -> %s', (id, expected) => {
    expect(isInstructModel(record(id))).toBe(expected);
  });

  it('matches chat and zephyr ids, not a plain chat-kind id', () => {
    const base = record('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(isInstructModel({ ...base, id: 'TinyLlama-1.1B-Chat-v1.0-q4f16_1-MLC' })).toBe(true);
    expect(isInstructModel({ ...base, id: 'stablelm-2-zephyr-1_6b-q4f16_1-MLC' })).toBe(true);
    expect(isInstructModel({ ...base, id: 'Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC' })).toBe(false);
  });
});

describe('f32Twin', () => {
  it('finds the q4f32 variant of a q4f16 model', () => {
    expect(f32Twin(record('SmolLM2-360M-Instruct-q4f16_1-MLC'), RECORDS)?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(f32Twin(record('Llama-3.2-1B-Instruct-q4f16_1-MLC'), RECORDS)?.id).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });

  it('is undefined for an f32 model or when the catalog has no twin', () => {
    expect(f32Twin(record('SmolLM2-360M-Instruct-q4f32_1-MLC'), RECORDS)).toBeUndefined();
    expect(f32Twin(record('gemma-2-2b-it-q4f16_1-MLC'), RECORDS)).toBeUndefined();
    expect(f32Twin(record('Qwen2.5-0.5B-Instruct-q4f16_1-MLC'), RECORDS)).toBeUndefined();
  });

  it('keeps the -1k suffix when looking for the twin', () => {
    const twin = recordFromWebLlm({ model_id: 'gemma-2-2b-it-q4f32_1-MLC-1k', vram_required_MB: 1884.75 });
    expect(f32Twin(record('gemma-2-2b-it-q4f16_1-MLC-1k'), [...RECORDS, twin])).toBe(twin);
  });
});

describe('shortContextTwin', () => {
  it('finds the -1k variant when it needs less memory', () => {
    expect(shortContextTwin(record('gemma-2-2b-it-q4f16_1-MLC'), RECORDS)?.id).toBe('gemma-2-2b-it-q4f16_1-MLC-1k');
  });

  it('is undefined for a -1k model, a model without twin, or a twin that is not smaller', () => {
    expect(shortContextTwin(record('gemma-2-2b-it-q4f16_1-MLC-1k'), RECORDS)).toBeUndefined();
    expect(shortContextTwin(record('SmolLM2-360M-Instruct-q4f16_1-MLC'), RECORDS)).toBeUndefined();
    const model = record('SmolLM2-360M-Instruct-q4f32_1-MLC');
    const notSmaller = { ...model, id: `${model.id}-1k`, vramMB: model.vramMB };
    expect(shortContextTwin(model, [model, notSmaller])).toBeUndefined();
  });
});

describe("web-llm's real prebuiltAppConfig", () => {
  const records = prebuiltAppConfig.model_list.map((entry) => recordFromWebLlm(entry));

  it('parses every entry with a quantization, a family and a known kind', () => {
    expect(records.length).toBeGreaterThan(50);
    for (const parsed of records) {
      expect(parsed.quantization, parsed.id).toMatch(/^q\d+f(16|32)(_\d+)?$/);
      expect(parsed.family, parsed.id).not.toBe('');
      expect(['chat', 'base', 'vision', 'embedding']).toContain(parsed.kind);
      expect(parsed.vramMB, parsed.id).toBeGreaterThan(0);
    }
  });

  it('by default keeps only chat models of at most 4096 MB, SmolLM2-360M q4f32 among them', () => {
    const shown = filterCatalog(records, { showAll: false });
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(records.length);
    for (const parsed of shown) {
      expect(parsed.kind).toBe('chat');
      expect(parsed.vramMB).toBeLessThanOrEqual(SMALL_MODEL_VRAM_MB);
    }
    const ids = shown.map((parsed) => parsed.id);
    expect(ids).toContain('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(ids).not.toContain('Llama-3.1-8B-Instruct-q4f32_1-MLC');
    expect(ids).not.toContain('Phi-3.5-vision-instruct-q4f16_1-MLC');
    expect(ids).not.toContain('snowflake-arctic-embed-s-q0f32-MLC-b4');
    expect(ids).not.toContain('Ministral-3-3B-Base-2512-q4f16_1-MLC');
  });

  it('every f16 SmolLM2 / Llama 3.2 model has an f32 twin in the real catalog', () => {
    for (const id of ['SmolLM2-360M-Instruct-q4f16_1-MLC', 'Llama-3.2-1B-Instruct-q4f16_1-MLC']) {
      const model = records.find((candidate) => candidate.id === id)!;
      expect(f32Twin(model, records)?.id).toBe(id.replace('q4f16', 'q4f32'));
    }
  });
});
