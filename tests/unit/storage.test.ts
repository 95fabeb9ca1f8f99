import { describe, expect, it } from 'vitest';
import {
  dtypeOfOnnxFile,
  folderName,
  formatLastUsed,
  groupStoredFiles,
  storageShortfall,
  transformersFolderOf,
  usageKey,
  webLlmFolderOf,
} from '../../src/core/storage.js';

describe('storageShortfall', () => {
  it('refuses what does not fit in the free part of the quota, with the numbers', () => {
    expect(storageShortfall(1.1e9, { usage: 1.7e9, quota: 2e9 })).toEqual({
      neededBytes: 1.1e9,
      freeBytes: 3e8,
      quotaBytes: 2e9,
    });
  });

  it('lets through what fits exactly, nothing to fetch, and a browser that gives no quota', () => {
    expect(storageShortfall(3e8, { usage: 1.7e9, quota: 2e9 })).toBeUndefined();
    expect(storageShortfall(0, { usage: 2e9, quota: 2e9 })).toBeUndefined();
    expect(storageShortfall(5e9, {})).toBeUndefined();
    expect(storageShortfall(5e9, undefined)).toBeUndefined();
  });

  it('counts usage over the quota as nothing free', () => {
    expect(storageShortfall(1, { usage: 3e9, quota: 2e9 })?.freeBytes).toBe(0);
  });
});

describe('folders and names', () => {
  it('finds a transformers.js file folder, with or without onnx/', () => {
    const hub = 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/';
    expect(transformersFolderOf(`${hub}onnx/model_q4.onnx`)).toBe(hub);
    expect(transformersFolderOf(`${hub}config.json`)).toBe(hub);
    expect(transformersFolderOf('http://127.0.0.1:5/fixtures/onnx-tiny/tokenizer.json')).toBe(
      'http://127.0.0.1:5/fixtures/onnx-tiny/',
    );
  });

  it('finds a web-llm model folder at resolve/<revision>/', () => {
    expect(webLlmFolderOf('https://huggingface.co/mlc-ai/Qwen-0.5B-q4f16_1-MLC/resolve/main/params_shard_3.bin')).toBe(
      'https://huggingface.co/mlc-ai/Qwen-0.5B-q4f16_1-MLC/resolve/main/',
    );
    expect(webLlmFolderOf('https://intranet/models/qwen/params_shard_0.bin')).toBe('https://intranet/models/qwen/');
  });

  it('names hub folders by repository and others by folder', () => {
    expect(folderName('https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/')).toBe(
      'onnx-community/Qwen2.5-0.5B-Instruct',
    );
    expect(folderName('https://huggingface.co/mlc-ai/Qwen-0.5B-MLC/resolve/main/')).toBe('mlc-ai/Qwen-0.5B-MLC');
    expect(folderName('https://intranet/mirror/tiny-llm/resolve/main/')).toBe('tiny-llm');
    expect(folderName('http://127.0.0.1:5/fixtures/onnx-tiny/')).toBe('onnx-tiny');
  });

  it('reads the weights variant from an ONNX file name', () => {
    expect(dtypeOfOnnxFile('onnx/model.onnx')).toBe('fp32');
    expect(dtypeOfOnnxFile('onnx/model_q4f16.onnx')).toBe('q4f16');
    expect(dtypeOfOnnxFile('onnx/model_quantized.onnx')).toBe('q8');
    expect(dtypeOfOnnxFile('config.json')).toBeUndefined();
  });
});

describe('groupStoredFiles', () => {
  const hub = 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/';
  const tiny = 'http://127.0.0.1:5/fixtures/onnx-tiny/';

  it('groups transformers.js files by folder, sums bytes, lists variants and joins last use', () => {
    const models = groupStoredFiles(
      'transformers',
      [
        { url: `${hub}config.json`, bytes: 700 },
        { url: `${hub}onnx/model_q4.onnx`, bytes: 200e6 },
        { url: `${hub}onnx/model.onnx`, bytes: 600e6 },
        { url: `${tiny}config.json`, bytes: 743 },
        { url: `${tiny}onnx/model.onnx`, bytes: 550_723 },
      ],
      new Map([[usageKey('transformers', tiny), 1234]]),
    );
    expect(models).toEqual([
      {
        engine: 'transformers',
        key: hub,
        name: 'HuggingFaceTB/SmolLM2-135M-Instruct',
        modelIds: ['HuggingFaceTB/SmolLM2-135M-Instruct@fp32', 'HuggingFaceTB/SmolLM2-135M-Instruct@q4'],
        bytes: 800e6 + 700,
        files: 3,
        lastUsed: undefined,
      },
      {
        engine: 'transformers',
        key: tiny,
        name: 'onnx-tiny',
        modelIds: ['http://127.0.0.1:5/fixtures/onnx-tiny@fp32'],
        bytes: 551_466,
        files: 2,
        lastUsed: 1234,
      },
    ]);
  });

  it('puts a web-llm library with the model that names it', () => {
    const folder = 'https://huggingface.co/mlc-ai/Qwen-0.5B-MLC/resolve/main/';
    const [model] = groupStoredFiles('webllm', [
      { url: `${folder}params_shard_0.bin`, bytes: 100 },
      { url: 'https://libs.example/Qwen-0.5B-webgpu.wasm', bytes: 5, folder },
    ]);
    expect(model).toMatchObject({ key: folder, name: 'mlc-ai/Qwen-0.5B-MLC', bytes: 105, files: 2 });
  });

  it('returns nothing for nothing stored', () => {
    expect(groupStoredFiles('webllm', [])).toEqual([]);
  });
});

describe('formatLastUsed', () => {
  const now = Date.UTC(2025, 2, 12, 12, 0, 0);
  it.each([
    [undefined, 'not recorded'],
    [now - 5_000, 'just now'],
    [now - 3 * 60_000, '3 min ago'],
    [now - 5 * 3_600_000, '5 h ago'],
    [now - 26 * 3_600_000, 'yesterday'],
    [now - 10 * 86_400_000, '10 days ago'],
    [Date.UTC(2024, 11, 3), '3 Dec 2024'],
  ])('%s -> %s', (at, text) => {
    expect(formatLastUsed(at, now)).toBe(text);
  });
});
