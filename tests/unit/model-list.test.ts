import { describe, expect, it } from 'vitest';
import {
  MODEL_LIST_SCHEMA,
  hubTransformersRecord,
  parseModelList,
  validateModelList,
} from '../../src/core/model-list.js';
import { applyModelSources, mergeModelSources } from '../../src/core/custom-models.js';

const WEBLLM = {
  model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
  model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
  model_lib: 'https://raw.githubusercontent.com/mlc-ai/libs/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm',
  vram_required_MB: 579.61,
  low_resource_required: true,
  required_features: [],
  overrides: { context_window_size: 4096 },
};

const GOOD = {
  schema: MODEL_LIST_SCHEMA,
  webllm: [WEBLLM, { ...WEBLLM, model_id: 'Other-MLC', model_type: 0, buffer_size_required_bytes: 1024 }],
  transformers: [
    { model: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q4' },
    { url: 'https://models.intranet.example/tiny/', dtype: 'fp32', name: 'Tiny' },
  ],
};

/** The errors for GOOD with one change applied. */
function errorsFor(change: (list: typeof GOOD & Record<string, unknown>) => void): string[] {
  const list = structuredClone(GOOD) as typeof GOOD & Record<string, unknown>;
  change(list);
  const result = validateModelList(list);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('validateModelList', () => {
  it('accepts a good list and sorts transformers entries into hub models and folders', () => {
    const result = parseModelList(JSON.stringify(GOOD));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.count).toBe(4);
    expect(result.models.webllm).toEqual([GOOD.webllm[0], GOOD.webllm[1]]);
    expect(result.models.transformersHub).toEqual([{ model: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q4' }]);
    // The trailing slash goes, as the app's folder form does it.
    expect(result.models.transformers).toEqual([
      { url: 'https://models.intranet.example/tiny', dtype: 'fp32', name: 'Tiny' },
    ]);
  });

  it('accepts a list with one engine only', () => {
    const result = validateModelList({ schema: MODEL_LIST_SCHEMA, transformers: [{ model: 'a/b', dtype: 'fp16' }] });
    expect(result).toEqual({ ok: true, count: 1, models: { transformersHub: [{ model: 'a/b', dtype: 'fp16' }] } });
  });

  // The changes break the list's shape on purpose, so they write through an untyped view of it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (list: Record<string, any>) => void, string]>([
    ['schema missing', (l) => delete l.schema, 'schema is missing: add "schema": "edge-llm/models@2".'],
    [
      'schema wrong',
      (l) => (l.schema = 'models@2'),
      'schema must be "edge-llm/models@2" (or "edge-llm/models@1") (it is "models@2").',
    ],
    ['an unknown top-level field', (l) => (l.webLLM = []), '(top level).webLLM is not a field edge-llm knows'],
    ['webllm not a list', (l) => (l.webllm = {}), 'webllm must be a list ([...]) of models, not an object.'],
    ['a webllm entry not an object', (l) => (l.webllm[1] = 'x'), 'webllm[1] must be an object'],
    ['model_id missing', (l) => delete l.webllm[0].model_id, 'webllm[0].model_id must be a non-empty name'],
    ['model_id with spaces', (l) => (l.webllm[0].model_id = 'a b'), 'webllm[0].model_id must be a non-empty name'],
    ['model_id twice', (l) => (l.webllm[1].model_id = WEBLLM.model_id), 'webllm[1].model_id "SmolLM2-360M'],
    ['model missing', (l) => delete l.webllm[0].model, 'webllm[0].model is missing: give the absolute http(s) URL.'],
    ['model relative', (l) => (l.webllm[1].model = 'mlc-ai/X'), 'webllm[1].model must be an absolute http(s) URL'],
    [
      'model_lib not http(s)',
      (l) => (l.webllm[1].model_lib = 'file:///x.wasm'),
      'webllm[1].model_lib must be an absolute http(s) URL',
    ],
    [
      'model_lib not a .wasm',
      (l) => (l.webllm[0].model_lib = 'https://x.example/lib.js'),
      'webllm[0].model_lib must name the compiled model library, a .wasm file.',
    ],
    ['vram negative', (l) => (l.webllm[0].vram_required_MB = -1), 'webllm[0].vram_required_MB must be a number'],
    ['vram a string', (l) => (l.webllm[0].vram_required_MB = '500'), 'webllm[0].vram_required_MB must be a number'],
    [
      'low_resource_required not boolean',
      (l) => (l.webllm[0].low_resource_required = 'yes'),
      'webllm[0].low_resource_required must be true or false',
    ],
    [
      'buffer size fractional',
      (l) => (l.webllm[0].buffer_size_required_bytes = 1.5),
      'webllm[0].buffer_size_required_bytes must be a whole number',
    ],
    [
      'required_features not strings',
      (l) => (l.webllm[0].required_features = [16]),
      'webllm[0].required_features must be a list of WebGPU feature names',
    ],
    ['model_type unknown', (l) => (l.webllm[0].model_type = 7), 'webllm[0].model_type must be 0 (LLM)'],
    ['overrides not an object', (l) => (l.webllm[0].overrides = 4096), 'webllm[0].overrides must be an object'],
    [
      'context window zero',
      (l) => (l.webllm[0].overrides.context_window_size = 0),
      'webllm[0].overrides.context_window_size must be a whole number of tokens above 0',
    ],
    ['model_manifest empty', (l) => (l.webllm[0].model_manifest = ''), 'webllm[0].model_manifest must be a file name'],
    ['integrity not an object', (l) => (l.webllm[0].integrity = 'sha'), 'webllm[0].integrity must be an object'],
    ['a misspelt webllm field', (l) => (l.webllm[0].modle_lib = 'x'), 'webllm[0].modle_lib is not a field'],
    ['transformers not a list', (l) => (l.transformers = 'x'), 'transformers must be a list'],
    ['a transformers entry not an object', (l) => (l.transformers[0] = 3), 'transformers[0] must be an object'],
    ['neither model nor url', (l) => delete l.transformers[0].model, 'transformers[0].model is missing'],
    [
      'both model and url',
      (l) => (l.transformers[1].model = 'a/b'),
      'transformers[1] has both model and url: give model for a hub id, or url for a folder, not both.',
    ],
    ['model not a hub id', (l) => (l.transformers[0].model = 'qwen'), 'transformers[0].model must be a hub id'],
    ['url relative', (l) => (l.transformers[1].url = '/tiny'), 'transformers[1].url must be an absolute http(s) URL'],
    [
      'dtype unknown',
      (l) => (l.transformers[0].dtype = 'q3'),
      'transformers[0].dtype must be one of q4, q4f16, int8, fp16, fp32 (it is "q3").',
    ],
    ['dtype missing', (l) => delete l.transformers[1].dtype, 'transformers[1].dtype is missing: give one of q4'],
    ['name empty', (l) => (l.transformers[1].name = ' '), 'transformers[1].name must be a short text'],
    ['name too long', (l) => (l.transformers[1].name = 'x'.repeat(101)), 'transformers[1].name must be a short text'],
    ['a misspelt transformers field', (l) => (l.transformers[0].dtyp = 'q4'), 'transformers[0].dtyp is not a field'],
  ])('rejects %s with a message naming the field', (_, change, message) => {
    const errors = errorsFor(change);
    expect(
      errors.some((error) => error.includes(message)),
      `${JSON.stringify(errors)} has "${message}"`,
    ).toBe(true);
  });

  it('reports every bad field at once', () => {
    const errors = errorsFor((l) => {
      l.webllm[0]!.model_lib = 'nope';
      l.transformers[0]!.dtype = 'q3';
    });
    expect(errors).toEqual([
      expect.stringMatching(/^webllm\[0\]\.model_lib must be an absolute http\(s\) URL/),
      expect.stringMatching(/^transformers\[0\]\.dtype must be one of/),
    ]);
  });

  it('rejects a list without models, a non-object, too many models, and text that is not JSON', () => {
    expect(validateModelList({ schema: MODEL_LIST_SCHEMA })).toEqual({
      ok: false,
      errors: ['The list has no models: add a "webllm", a "transformers" or a "llamacpp" list.'],
    });
    expect(validateModelList([GOOD])).toMatchObject({ ok: false, errors: [expect.stringMatching(/one JSON object/)] });
    const many = { schema: MODEL_LIST_SCHEMA, transformers: Array.from({ length: 201 }, () => ({ model: 'a/b' })) };
    expect(validateModelList(many)).toMatchObject({ ok: false, errors: [expect.stringMatching(/at most 200/)] });
    const broken = parseModelList('{"schema": ');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]).toMatch(/^The file is not valid JSON: /);
  });

  it('keeps only known web-llm fields, so nothing extra reaches the engine', () => {
    const result = validateModelList({ schema: MODEL_LIST_SCHEMA, webllm: [WEBLLM] });
    expect(result.ok && result.models.webllm?.[0]).toEqual(WEBLLM);
  });

  it('keeps hostile text as text: the validator never interprets it', () => {
    const name = '<img src=x onerror="alert(1)">';
    const result = validateModelList({
      schema: MODEL_LIST_SCHEMA,
      transformers: [{ model: 'a/b', dtype: 'q4', name }],
    });
    expect(result.ok && result.models.transformersHub?.[0]?.name).toBe(name);
  });
});

describe('mergeModelSources', () => {
  it('puts imported models first and replaces entries with the same id', () => {
    const current = {
      webllm: [
        { ...WEBLLM, vram_required_MB: 1 },
        { ...WEBLLM, model_id: 'Kept-MLC' },
      ],
      transformers: [{ url: 'https://a.example/m', dtype: 'q4' }],
      mirror: { transformers: 'https://m.example/' },
    };
    const merged = mergeModelSources(current, {
      webllm: [WEBLLM],
      transformersHub: [{ model: 'a/b', dtype: 'q4' }],
    });
    expect(merged.webllm).toEqual([WEBLLM, { ...WEBLLM, model_id: 'Kept-MLC' }]);
    expect(merged.transformers).toEqual(current.transformers);
    expect(merged.transformersHub).toEqual([{ model: 'a/b', dtype: 'q4' }]);
    expect(merged.mirror).toEqual(current.mirror);
  });
});

describe('hubTransformersRecord', () => {
  it('lists a hub model by its catalog id, named by its repository unless a name is given', () => {
    expect(hubTransformersRecord({ model: 'edge-test/onnx-tiny', dtype: 'fp32' })).toMatchObject({
      id: 'edge-test/onnx-tiny@fp32',
      engine: 'transformers',
      family: 'onnx-tiny',
      quantization: 'fp32',
    });
    expect(hubTransformersRecord({ model: 'a/b', dtype: 'q4', name: 'Named' }).family).toBe('Named');
  });
});

describe('applyModelSources', () => {
  it('swaps the previous import for the new one, keeps the host page models, and sets the mirror', () => {
    const host = { transformers: [{ url: 'https://a.example/m', dtype: 'q4' }] };
    const first = { mirror: { webllm: 'https://m.example/' }, imported: { webllm: [WEBLLM] } };
    const once = applyModelSources(host, undefined, first);
    expect(once).toEqual({
      webllm: [WEBLLM],
      transformers: host.transformers,
      transformersHub: [],
      llamacpp: [],
      mirror: { webllm: 'https://m.example/' },
    });
    const second = {
      mirror: { transformers: 'https://t.example/' },
      imported: { transformersHub: [{ model: 'a/b', dtype: 'q4' }] },
    };
    expect(applyModelSources(once, first, second)).toEqual({
      webllm: [],
      transformers: host.transformers,
      transformersHub: [{ model: 'a/b', dtype: 'q4' }],
      llamacpp: [],
      mirror: { transformers: 'https://t.example/' },
    });
    const gguf = { url: 'https://g.example/m.gguf' };
    const third = { mirror: { llamacpp: 'https://l.example/' }, imported: { llamacpp: [gguf] } };
    expect(applyModelSources(once, second, third)).toMatchObject({
      llamacpp: [gguf],
      mirror: { llamacpp: 'https://l.example/' },
    });
  });
});

describe('llama.cpp entries (schema version 2)', () => {
  it('reads GGUF files by URL or by hub model and file, and still reads version 1 lists', () => {
    const result = validateModelList({
      schema: 'edge-llm/models@2',
      llamacpp: [
        { model: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf' },
        { url: 'https://models.intranet.example/gguf/m-Q4_0-00001-of-00002.gguf', name: 'Split model' },
      ],
    });
    expect(result).toEqual({
      ok: true,
      count: 2,
      models: {
        llamacpp: [
          {
            url: 'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
          },
          { url: 'https://models.intranet.example/gguf/m-Q4_0-00001-of-00002.gguf', name: 'Split model' },
        ],
      },
    });
    expect(validateModelList({ schema: 'edge-llm/models@1', transformers: [{ model: 'a/b', dtype: 'q4' }] }).ok).toBe(
      true,
    );
  });

  it('names each bad llama.cpp field', () => {
    const result = validateModelList({
      schema: 'edge-llm/models@2',
      llamacpp: [
        { url: 'https://host/model.bin' },
        { model: 'not a hub id', file: 'x.gguf' },
        { model: 'a/b' },
        { url: 'https://host/x.gguf', model: 'a/b' },
        { url: 'https://host/x.gguf', extra: 1 },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        expect.stringMatching(/^llamacpp\[0\] must name a \.gguf file/),
        expect.stringMatching(/^llamacpp\[1\]\.model must be a hub id/),
        expect.stringMatching(/^llamacpp\[2\]\.file must be the GGUF file's name/),
        expect.stringMatching(/^llamacpp\[3\] has both url and model\/file/),
        expect.stringMatching(/^llamacpp\[4\]/),
      ]);
    }
    expect(validateModelList({ schema: 'edge-llm/models@1', llamacpp: [{ url: 'https://h/x.gguf' }] })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/needs "schema": "edge-llm\/models@2"/)],
    });
  });

  it('adds the folders the visitor added, and takes them out when they are removed', () => {
    const host = { transformers: [{ url: 'https://a.example/m', dtype: 'q4' }] };
    const folder = { url: 'https://f.example/tiny', dtype: 'fp32' };
    const withFolder = { mirror: {}, imported: {}, folders: [folder] };
    const once = applyModelSources(host, undefined, withFolder);
    expect(once.transformers).toEqual([folder, ...host.transformers]);
    const without = applyModelSources(once, withFolder, { mirror: {}, imported: {}, folders: [] });
    expect(without.transformers).toEqual(host.transformers);
  });
});
