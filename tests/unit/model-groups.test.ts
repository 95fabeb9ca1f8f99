import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { recordFromWebLlm } from '../../src/core/catalog.js';
import { customLlamaCppRecord, llamaCppRecords } from '../../src/core/llamacpp-catalog.js';
import {
  baseModelName,
  DEFAULT_GROUP_FILTER,
  filterGroups,
  groupModels,
  enginesPhrase,
  modelGroupKey,
  variantLabel,
  type ModelGroup,
} from '../../src/core/model-groups.js';
import { customTransformersRecord, transformersRecords } from '../../src/core/transformers-catalog.js';
import type { ModelRecord } from '../../src/shared/engine-api.js';

const WEBLLM = prebuiltAppConfig.model_list.map((entry) => recordFromWebLlm(entry));
const ALL: ModelRecord[] = [...WEBLLM, ...transformersRecords(), ...llamaCppRecords()];

function groupOf(groups: readonly ModelGroup[], key: string): ModelGroup {
  const found = groups.find((group) => group.key === key);
  if (!found) throw new Error(`no group ${key}`);
  return found;
}

describe('baseModelName', () => {
  it("reduces every engine's spelling of one model to its published name", () => {
    expect(baseModelName({ engine: 'webllm', id: 'SmolLM2-360M-Instruct-q4f16_1-MLC' })).toBe('SmolLM2-360M-Instruct');
    expect(baseModelName({ engine: 'webllm', id: 'gemma-2-2b-it-q4f32_1-MLC-1k' })).toBe('gemma-2-2b-it');
    expect(baseModelName({ engine: 'transformers', id: 'HuggingFaceTB/SmolLM2-360M-Instruct@q4' })).toBe(
      'SmolLM2-360M-Instruct',
    );
    expect(baseModelName({ engine: 'llamacpp', id: 'bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0' })).toBe(
      'SmolLM2-360M-Instruct',
    );
    expect(baseModelName({ engine: 'llamacpp', id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF@Q8_0' })).toBe(
      'Qwen2.5-0.5B-Instruct',
    );
  });

  it('names self-hosted files and folders by their file or folder', () => {
    const folder = customTransformersRecord({ url: 'http://127.0.0.1:8080/fixtures/onnx-tiny/', dtype: 'fp32' });
    expect(baseModelName(folder)).toBe('onnx-tiny');
    const split = customLlamaCppRecord({ url: 'https://m.example/gguf/My-Model-Q4_K_M-00001-of-00003.gguf' });
    expect(baseModelName(split)).toBe('My-Model');
    expect(baseModelName(customLlamaCppRecord({ url: 'https://m.example/tiny.gguf' }))).toBe('tiny');
    expect(baseModelName({ engine: 'double', id: 'double-timed' })).toBe('double-timed');
  });

  it('gives one key across engines, whatever the case', () => {
    expect(modelGroupKey({ engine: 'webllm', id: 'Phi-3.5-mini-instruct-q4f16_1-MLC' })).toBe(
      modelGroupKey({ engine: 'llamacpp', id: 'bartowski/Phi-3.5-mini-instruct-GGUF@Q4_0' }),
    );
    expect(modelGroupKey({ engine: 'webllm', id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' })).toBe('qwen2.5-0.5b-instruct');
  });
});

describe('groupModels over the real catalogs of all three engines', () => {
  const groups = groupModels(ALL);

  it('lists one row per model: every file is a variant of exactly one row, and no two rows share a name', () => {
    expect(groups.flatMap((group) => group.variants)).toHaveLength(ALL.length);
    expect(new Set(groups.map((group) => group.key)).size).toBe(groups.length);
    expect(groups.length).toBeLessThan(ALL.length / 2);
  });

  it('puts the same model from three engines in one row, titled by family and size', () => {
    const smol = groupOf(groups, 'smollm2-360m-instruct');
    expect(smol.title).toBe('SmolLM2 360M');
    expect(smol.name).toBe('SmolLM2-360M-Instruct');
    expect(smol.engines).toEqual(['webllm', 'transformers', 'llamacpp']);
    expect(smol.variants.map((record) => `${record.engine}:${record.quantization}`)).toEqual([
      'webllm:q4f16_1',
      'webllm:q4f32_1',
      'webllm:q0f16',
      'webllm:q0f32',
      'transformers:q4f16',
      'transformers:q4',
      'transformers:fp16',
      'transformers:fp32',
      'llamacpp:Q4_0',
      'llamacpp:Q4_K_M',
      'llamacpp:Q8_0',
    ]);
    expect(smol.instruct).toBe(true);
    expect(groupOf(groups, 'phi-3.5-mini-instruct').engines).toEqual(['webllm', 'llamacpp']);
  });

  it('keeps editions of one family and size apart, and a 1k-context build with its model', () => {
    expect(groupOf(groups, 'tinyllama-1.1b-chat-v0.4')).not.toBe(groupOf(groups, 'tinyllama-1.1b-chat-v1.0'));
    const gemma = groupOf(groups, 'gemma-2-2b-it');
    expect(gemma.variants.map((record) => record.id)).toContain('gemma-2-2b-it-q4f32_1-MLC-1k');
    expect(
      groups
        .filter((group) => group.title === 'Ministral 3 3B')
        .map((group) => group.name)
        .sort(),
    ).toEqual(['Ministral-3-3B-Base-2512', 'Ministral-3-3B-Instruct-2512-BF16', 'Ministral-3-3B-Reasoning-2512']);
  });

  it('orders rows by their smallest memory need, with models of unknown size (the visitor’s own) first', () => {
    const custom = customTransformersRecord({ url: 'http://127.0.0.1/fixtures/onnx-tiny', dtype: 'fp32' });
    const withCustom = groupModels([...ALL, custom]);
    expect(withCustom[0]!.name).toBe('onnx-tiny');
    const needs = withCustom.slice(1).map((group) => Math.min(...group.variants.map((record) => record.vramMB)));
    expect(needs).toEqual([...needs].sort((a, b) => a - b));
  });

  it('marks a row stored when any variant is', () => {
    const stored = ALL.map((record) =>
      record.id === 'bartowski/SmolLM2-135M-Instruct-GGUF@Q8_0' ? { ...record, cached: true } : record,
    );
    const grouped = groupModels(stored);
    expect(groupOf(grouped, 'smollm2-135m-instruct').stored).toBe(true);
    expect(groupOf(grouped, 'smollm2-360m-instruct').stored).toBe(false);
  });
});

describe('filterGroups', () => {
  const groups = groupModels(ALL);
  const keys = (list: ModelGroup[]) => list.map((group) => group.key);

  it('lists small chat models by default, and large and non-chat ones when any size is asked for', () => {
    const small = filterGroups(groups, DEFAULT_GROUP_FILTER);
    expect(keys(small)).not.toContain('llama-3.1-70b-instruct');
    expect(keys(small)).not.toContain('snowflake-arctic-embed-s');
    const any = filterGroups(groups, { ...DEFAULT_GROUP_FILTER, size: 'any' });
    expect(keys(any)).toContain('llama-3.1-70b-instruct');
    expect(keys(any)).toContain('snowflake-arctic-embed-s');
    const tiny = filterGroups(groups, { ...DEFAULT_GROUP_FILTER, size: 'tiny' });
    expect(tiny.every((group) => group.variants.every((record) => record.vramMB <= 1024))).toBe(true);
    expect(keys(tiny)).toContain('smollm2-135m-instruct');
  });

  it("keeps only the chosen engine's variants, while the row still names every engine that has the model", () => {
    const llama = filterGroups(groups, { ...DEFAULT_GROUP_FILTER, engine: 'llamacpp' });
    expect(llama.every((group) => group.variants.every((record) => record.engine === 'llamacpp'))).toBe(true);
    expect(groupOf(llama, 'smollm2-360m-instruct').engines).toEqual(['webllm', 'transformers', 'llamacpp']);
    expect(keys(llama)).not.toContain('qwen3-0.6b');
  });

  it('lists only stored variants when asked', () => {
    const stored = ALL.map((record) =>
      record.id === 'HuggingFaceTB/SmolLM2-135M-Instruct@q4' ? { ...record, cached: true } : record,
    );
    const only = filterGroups(groupModels(stored), { ...DEFAULT_GROUP_FILTER, storedOnly: true });
    expect(only.map((group) => group.variants.map((record) => record.id))).toEqual([
      ['HuggingFaceTB/SmolLM2-135M-Instruct@q4'],
    ]);
  });

  it('matches the query against the title, the name and single variants', () => {
    expect(keys(filterGroups(groups, { ...DEFAULT_GROUP_FILTER, query: 'smollm2 1' }))).toEqual([
      'smollm2-135m-instruct',
      'smollm2-1.7b-instruct',
    ]);
    const byVariant = filterGroups(groups, { ...DEFAULT_GROUP_FILTER, query: 'q4_k_m' });
    expect(byVariant.length).toBeGreaterThan(3);
    expect(byVariant.every((group) => group.variants.every((record) => record.quantization === 'Q4_K_M'))).toBe(true);
  });

  it('always lists a model of unknown size', () => {
    const custom = customLlamaCppRecord({ url: 'https://m.example/mine.gguf' });
    const tiny = filterGroups(groupModels([custom]), { ...DEFAULT_GROUP_FILTER, size: 'tiny' });
    expect(keys(tiny)).toEqual(['mine']);
  });
});

describe('variantLabel and enginesPhrase', () => {
  it('names a variant by quantization and engine, and what else tells it apart', () => {
    expect(
      variantLabel({ engine: 'llamacpp', id: 'bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0', quantization: 'Q4_0' }),
    ).toBe('Q4_0 · llama.cpp');
    expect(variantLabel({ engine: 'webllm', id: 'gemma-2-2b-it-q4f32_1-MLC-1k', quantization: 'q4f32_1' })).toBe(
      'q4f32_1 · web-llm · 1k context',
    );
    expect(variantLabel(customTransformersRecord({ url: 'http://127.0.0.1/fixtures/onnx-tiny', dtype: 'fp32' }))).toBe(
      'fp32 · transformers.js · self-hosted',
    );
    expect(variantLabel(customLlamaCppRecord({ url: 'https://m.example/mine.gguf' }))).toBe(
      'default · llama.cpp · self-hosted',
    );
  });

  it('lists the engines that have a model', () => {
    expect(enginesPhrase(['webllm', 'transformers', 'llamacpp'])).toBe('in web-llm, transformers.js and llama.cpp');
    expect(enginesPhrase(['llamacpp'])).toBe('in llama.cpp');
  });
});
