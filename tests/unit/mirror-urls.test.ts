import { describe, expect, it } from 'vitest';
import {
  mirrorLlamaCppUrl,
  checkMirrorBase,
  mirrorWebLlmRecord,
  transformersHubFolderUrl,
  transformersRemote,
  webLlmLibraryMirrorPath,
  webLlmModelMirrorPath,
} from '../../src/core/mirror-urls.js';

const BASE = 'https://mirror.example/models/';
const RECORD = {
  model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
  model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
  model_lib:
    'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm',
  vram_required_MB: 579.61,
};

describe('checkMirrorBase', () => {
  it('accepts an absolute http(s) URL and makes it a folder', () => {
    expect(checkMirrorBase(' https://mirror.example/models ')).toEqual({ ok: true, base: BASE });
    expect(checkMirrorBase('http://10.0.0.5:8080/')).toEqual({ ok: true, base: 'http://10.0.0.5:8080/' });
  });

  it.each([
    ['', /Enter a URL/],
    ['mirror.example/models', /not an absolute URL: start it with http:\/\/ or https:\/\//],
    ['/models/', /not an absolute URL/],
    ['ftp://mirror.example/models/', /starts with ftp:; a mirror must be served over http/],
    ['javascript:alert(1)', /starts with javascript:/],
    ['https://user:secret@mirror.example/', /user names and passwords/],
    ['https://mirror.example/models/?token=1', /query/],
    // Found by the fuzz test: an empty fragment or query is still in the URL's text.
    ['http://mirror.example#', /fragment/],
    ['http://mirror.example/models/?', /query/],
  ])('rejects %j with a message saying what is wrong', (input, message) => {
    const result = checkMirrorBase(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('web-llm mirror layout', () => {
  it('maps a hub model to <org>/<name>/resolve/main/ and its library to libs/<file>', () => {
    expect(webLlmModelMirrorPath(RECORD.model)).toBe('mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/');
    expect(webLlmModelMirrorPath(`${RECORD.model}/resolve/v2/`)).toBe(
      'mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/v2/',
    );
    expect(webLlmLibraryMirrorPath(RECORD.model_lib)).toBe('libs/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm');
  });

  it('rewrites a catalog record to the mirror and keeps every other field', () => {
    expect(mirrorWebLlmRecord(RECORD, BASE)).toEqual({
      ...RECORD,
      model: 'https://mirror.example/models/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/',
      model_lib: 'https://mirror.example/models/libs/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm',
    });
  });

  it('leaves records alone without a base, and URLs that are already self-hosted', () => {
    expect(mirrorWebLlmRecord(RECORD, undefined)).toBe(RECORD);
    const selfHosted = {
      ...RECORD,
      model: 'https://intranet.example/m/X',
      model_lib: 'https://intranet.example/x.wasm',
    };
    expect(mirrorWebLlmRecord(selfHosted, BASE)).toBe(selfHosted);
    const mixed = mirrorWebLlmRecord({ ...RECORD, model_lib: 'https://intranet.example/x.wasm' }, BASE);
    expect(mixed.model).toBe('https://mirror.example/models/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/');
    expect(mixed.model_lib).toBe('https://intranet.example/x.wasm');
  });
});

describe('transformers.js mirror layout', () => {
  it('keeps the hub layout under the mirror', () => {
    expect(transformersHubFolderUrl('onnx-community/Qwen2.5-0.5B-Instruct', BASE)).toBe(
      'https://mirror.example/models/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/',
    );
    expect(transformersHubFolderUrl('onnx-community/Qwen2.5-0.5B-Instruct')).toBe(
      'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/',
    );
    expect(transformersRemote(BASE)).toEqual({ remoteHost: BASE, remotePathTemplate: '{model}/resolve/{revision}/' });
    expect(transformersRemote().remoteHost).toBe('https://huggingface.co/');
  });
});

describe('llama.cpp files in a mirror', () => {
  it('moves a hub GGUF file into the mirror with the hub layout and leaves other URLs alone', () => {
    const hub =
      'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf';
    expect(mirrorLlamaCppUrl(hub, 'http://mirror.local:8080/models/')).toBe(
      'http://mirror.local:8080/models/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    );
    expect(mirrorLlamaCppUrl(hub)).toBe(hub);
    expect(mirrorLlamaCppUrl('https://intranet.example/m.gguf', 'http://mirror.local/')).toBe(
      'https://intranet.example/m.gguf',
    );
  });
});
