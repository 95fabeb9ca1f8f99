import { describe, expect, it } from 'vitest';
import { describeError, type RecoveryAction } from '../../src/core/error-messages.js';
import {
  classifyError,
  edgeError,
  ERROR_CODES,
  ERROR_NAMES,
  isAbortError,
  isErrorCode,
  serializeError,
  type ErrorCode,
} from '../../src/core/errors.js';
import type { SerializedError } from '../../src/shared/engine-api.js';

const named = (name: string, message = 'details'): SerializedError => ({ name, message });
const plain = (message: string): SerializedError => ({ name: 'Error', message });

describe('classifyError by web-llm and browser error names', () => {
  it.each<[string, ErrorCode]>([
    ['WebGPUNotAvailableError', 'no-webgpu'],
    ['WebGPUNotFoundError', 'no-webgpu'],
    ['ShaderF16SupportError', 'needs-f16'],
    ['FeatureSupportError', 'feature-missing'],
    ['DeviceLostError', 'device-lost'],
    ['ContextWindowSizeExceededError', 'context-window-exceeded'],
    ['MissingModelWasmError', 'model-lib-missing'],
    ['CompileError', 'model-lib-invalid'],
    ['LinkError', 'model-lib-invalid'],
    ['ModelNotFoundError', 'model-config-invalid'],
    ['ConfigValueError', 'model-config-invalid'],
    ['UnsupportedTokenizerFilesError', 'model-config-invalid'],
    ['QuotaExceededError', 'quota-exceeded'],
    ['ModelNotLoadedError', 'model-not-loaded'],
    ['EngineNotLoadedError', 'model-not-loaded'],
    ['WorkerEngineModelNotLoadedError', 'model-not-loaded'],
    ['GPUOutOfMemoryError', 'out-of-memory'],
    ['NetworkError', 'download-failed'],
  ])('%s -> %s', (name, code) => {
    expect(classifyError(named(name))).toBe(code);
  });

  it('prefers the name over a message that matches another rule', () => {
    expect(classifyError(named('ShaderF16SupportError', 'Failed to fetch'))).toBe('needs-f16');
    expect(classifyError(named('ContextWindowSizeExceededError', 'out of memory'))).toBe('context-window-exceeded');
  });
});

describe("classifyError by edge-llm's own names", () => {
  it.each<[string, ErrorCode]>([
    [ERROR_NAMES.modelLibMissing, 'model-lib-missing'],
    [ERROR_NAMES.modelLibInvalid, 'model-lib-invalid'],
    [ERROR_NAMES.modelConfigInvalid, 'model-config-invalid'],
    [ERROR_NAMES.downloadFailed, 'download-failed'],
    [ERROR_NAMES.noAdapter, 'no-adapter'],
    [ERROR_NAMES.workerCrashed, 'worker-crashed'],
    [ERROR_NAMES.forcedChoicesUnsupported, 'correctness-unsupported'],
  ])('%s -> %s', (name, code) => {
    expect(classifyError(named(name))).toBe(code);
  });

  it('uses an explicit code when it is a known one, and ignores others', () => {
    expect(classifyError({ name: 'Error', message: 'x', code: 'needs-f16' })).toBe('needs-f16');
    expect(classifyError({ name: 'DeviceLostError', message: 'x', code: 'quota-exceeded' })).toBe('quota-exceeded');
    expect(classifyError({ name: 'DeviceLostError', message: 'x', code: 'ENOENT' })).toBe('device-lost');
  });
});

describe('classifyError by message', () => {
  it.each<[string, ErrorCode]>([
    [
      'Cannot initialize runtime because of requested maxStorageBufferBindingSize exceeds limit. requested=1024MB, limit=128MB.',
      'limits-exceeded',
    ],
    [
      'Cannot initialize runtime because of requested maxComputeWorkgroupStorageSize exceeds limit. requested=32768, limit=16384.',
      'limits-exceeded',
    ],
    ['Failed to fetch', 'download-failed'],
    ["Failed to execute 'add' on 'Cache': Request failed", 'download-failed'],
    ['NetworkError when attempting to fetch resource.', 'download-failed'],
    ['Load failed', 'download-failed'],
    ['out of memory', 'out-of-memory'],
    ['Array buffer allocation failed', 'out-of-memory'],
    ['Device was lost', 'device-lost'],
    ['The GPU device lost its context', 'device-lost'],
    ['Instance reference no longer exists: GPUDevice was destroyed', 'device-lost'],
    ['The quota has been exceeded.', 'quota-exceeded'],
  ])('%s -> %s', (message, code) => {
    expect(classifyError(plain(message))).toBe(code);
  });

  it("does not read web-llm's config RangeError as out of memory", () => {
    expect(classifyError({ name: 'RangeError', message: 'Make sure 0 < temperature <= 2.' })).toBe('unknown');
    expect(describeError({ name: 'RangeError', message: 'Make sure 0 < temperature <= 2.' }).message).toBe(
      'RangeError: Make sure 0 < temperature <= 2.',
    );
  });

  it('falls back to unknown', () => {
    expect(classifyError(plain('Something odd happened'))).toBe('unknown');
    expect(classifyError({ name: '', message: '' })).toBe('unknown');
  });
});

describe('describeError', () => {
  const EXPECTED: [ErrorCode, SerializedError, RecoveryAction[]][] = [
    ['no-webgpu', named('WebGPUNotAvailableError'), ['webgpu-help', 'reload-page']],
    ['no-adapter', named(ERROR_NAMES.noAdapter), ['webgpu-help', 'reload-page']],
    ['needs-f16', named('ShaderF16SupportError'), ['use-alternative', 'pick-another-model']],
    ['feature-missing', named('FeatureSupportError'), ['pick-another-model']],
    ['limits-exceeded', plain('requested maxBufferSize exceeds limit'), ['pick-another-model']],
    ['out-of-memory', plain('out of memory'), ['pick-another-model', 'retry']],
    ['device-lost', named('DeviceLostError'), ['retry', 'pick-another-model', 'reload-page']],
    ['download-failed', plain('Failed to fetch'), ['retry', 'pick-another-model']],
    ['quota-exceeded', named('QuotaExceededError'), ['pick-another-model', 'retry']],
    ['storage-insufficient', named(ERROR_NAMES.storageInsufficient), ['pick-another-model', 'retry']],
    ['storage-refused', named(ERROR_NAMES.storageRefused), []],
    ['cached-file-corrupt', named(ERROR_NAMES.cachedFileCorrupt), ['restart-worker', 'pick-another-model']],
    ['model-config-invalid', named(ERROR_NAMES.modelConfigInvalid), ['pick-another-model', 'retry']],
    ['model-file-missing', named(ERROR_NAMES.modelFileMissing), ['pick-another-model', 'retry']],
    ['model-file-invalid', named(ERROR_NAMES.modelFileInvalid), ['pick-another-model', 'retry']],
    ['gguf-invalid', named(ERROR_NAMES.ggufInvalid), ['pick-another-model', 'retry']],
    ['architecture-unsupported', named(ERROR_NAMES.architectureUnsupported), ['pick-another-model']],
    ['quantization-unsupported', named(ERROR_NAMES.quantizationUnsupported), ['pick-another-model']],
    ['synthetic-unsupported', named(ERROR_NAMES.syntheticUnsupported), ['pick-another-model']],
    ['wasm-memory-exceeded', named(ERROR_NAMES.wasmMemoryExceeded), ['pick-another-model']],
    ['invalid-output', named(ERROR_NAMES.invalidOutput), ['retry', 'new-conversation']],
    ['engine-crashed', named(ERROR_NAMES.engineCrashed), ['restart-worker', 'pick-another-model']],
    ['model-lib-missing', named('MissingModelWasmError'), ['retry', 'pick-another-model']],
    ['model-lib-invalid', named(ERROR_NAMES.modelLibInvalid), ['pick-another-model', 'retry']],
    ['context-window-exceeded', named('ContextWindowSizeExceededError'), ['new-conversation']],
    ['message-too-long', named(ERROR_NAMES.messageTooLong), []],
    ['worker-crashed', named(ERROR_NAMES.workerCrashed), ['restart-worker', 'reload-page']],
    ['model-not-loaded', named('ModelNotLoadedError'), ['pick-another-model']],
    ['correctness-unsupported', named(ERROR_NAMES.forcedChoicesUnsupported), ['pick-another-model']],
    [
      'csp-blocked',
      {
        name: 'CompileError',
        message:
          "WebAssembly.instantiate(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive",
      },
      ['reload-page'],
    ],
    [
      'model-in-another-tab',
      named(ERROR_NAMES.modelInAnotherTab, 'm is loaded in another tab of this site.'),
      ['move-model-here', 'load-second-copy'],
    ],
    [
      'model-move-failed',
      named(ERROR_NAMES.modelMoveFailed, 'The other tab did not let go of the model within 15 s.'),
      ['move-model-here', 'load-second-copy'],
    ],
    ['unknown', named('WeirdError', 'weird'), ['retry', 'pick-another-model']],
  ];

  it('covers every error code', () => {
    const codes = EXPECTED.map(([code]) => code);
    expect([...codes].sort()).toEqual([...ERROR_CODES].sort());
    for (const code of codes) expect(isErrorCode(code)).toBe(true);
    expect(isErrorCode('not-a-code')).toBe(false);
  });

  it.each(EXPECTED)('%s has a title, a message and its actions', (code, error, actions) => {
    const friendly = describeError(error);
    expect(friendly.code).toBe(code);
    expect(friendly.title.trim()).not.toBe('');
    expect(friendly.message.trim().length).toBeGreaterThan(10);
    expect(friendly.actions).toEqual(actions);
    expect(friendly.original).toBe(error);
  });

  it('says what a second copy of a model another tab holds would cost, when the model declares it', () => {
    const sized = describeError({ name: ERROR_NAMES.modelInAnotherTab, message: 'x', detail: { memoryMB: 1234.4 } });
    expect(sized.message).toContain('a second copy, about 1234 MB more GPU memory');
    const unsized = describeError({ name: ERROR_NAMES.modelInAnotherTab, message: 'x' });
    expect(unsized.message).toContain('a second copy in GPU memory');
  });

  it('says an engine without teacher forcing cannot check correctness, and what to do instead', () => {
    const friendly = describeError({
      name: ERROR_NAMES.forcedChoicesUnsupported,
      message: 'The webllm engine cannot read a fixed sequence, so its correctness cannot be checked.',
    });
    expect(friendly.title).toBe('This engine cannot check correctness');
    expect(friendly.message).toMatch(
      /^The webllm engine cannot read a fixed sequence.*teacher forcing.*transformers\.js/,
    );
    expect(friendly.title).not.toBe('Something went wrong');
  });

  it('says where a download was cut off and what trying again will fetch', () => {
    const url = 'http://host.test/m/onnx/model.onnx';
    const resumable = describeError({
      name: ERROR_NAMES.downloadFailed,
      message: 'network error',
      detail: { url, receivedBytes: 150e6, keptBytes: 150e6, totalBytes: 300e6, resumable: 1 },
    });
    expect(resumable.message).toBe(
      `The connection was lost after 150 MB of 300 MB of model.onnx (${url}). Try again to download only the rest (150 MB); files already downloaded are kept.`,
    );
    expect(resumable.actions).toEqual(['retry', 'pick-another-model']);
    const whole = describeError({
      name: ERROR_NAMES.downloadFailed,
      message: 'network error',
      detail: { url, receivedBytes: 150e6, keptBytes: 0, totalBytes: 300e6, resumable: 0 },
    });
    expect(whole.message).toContain('The host cannot resume it, so trying again downloads this file once more');
  });

  it('tells a window that cannot keep the model that it still runs and will download again', () => {
    const friendly = describeError({
      name: ERROR_NAMES.storageRefused,
      message: 'UnknownError: Unexpected internal error.',
      detail: { bytes: 327e6 },
    });
    expect(friendly.title).toBe('This window cannot keep the model');
    expect(friendly.message).toMatch(/^This window cannot keep the model: it will download again next time\./);
    expect(friendly.message).toContain(
      'refused to store 327 MB of its files (UnknownError: Unexpected internal error.)',
    );
  });

  it('says how much a refused download needs, and how much of the quota is free', () => {
    const friendly = describeError({
      name: ERROR_NAMES.storageInsufficient,
      message: 'The model needs 1100000000 bytes',
      detail: { neededBytes: 1.1e9, freeBytes: 3e8, quotaBytes: 2e9 },
    });
    expect(friendly.code).toBe('storage-insufficient');
    expect(friendly.message).toContain("it needs 1.1 GB, and 300 MB is free of this site's 2.0 GB storage quota");
    expect(friendly.message).toMatch(/Delete cached models/);
  });

  it('says how long a message is and the longest it can be, with what takes the rest of the window', () => {
    const detail = {
      messageTokens: 812,
      maxMessageTokens: 233,
      maxMessageChars: 930,
      contextWindow: 512,
      reserveTokens: 256,
      overheadTokens: 23,
    };
    const friendly = describeError({ name: ERROR_NAMES.messageTooLong, message: 'too long', detail });
    expect(friendly.code).toBe('message-too-long');
    expect(friendly.message).toBe(
      'Your message is 812 tokens. The model reads at most 512 tokens, of which 256 are kept for the reply and 23 go to the system prompt and the chat template, so a message can be at most 233 tokens (about 930 characters). Shorten the message or send it in parts, lower max tokens, or shorten the system prompt.',
    );
    const none = describeError({
      name: ERROR_NAMES.messageTooLong,
      message: 'too long',
      detail: { ...detail, maxMessageTokens: 0, maxMessageChars: 0 },
    });
    expect(none.message).toContain('so no room is left for a message.');
  });

  it('names the stored file that was corrupt and says it was deleted', () => {
    const friendly = describeError({
      name: ERROR_NAMES.cachedFileCorrupt,
      message: "Can't create a session.",
      detail: { url: 'https://models.example/tiny/onnx/model.onnx' },
    });
    expect(friendly.message).toContain("(https://models.example/tiny/onnx/model.onnx) could not be read (Can't create");
    expect(friendly.message).toContain('was deleted. Restart the engine to download it again');
  });

  it('gives each code its own title', () => {
    const titles = EXPECTED.map(([, error]) => describeError(error).title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('puts the URL and HTTP status into the model-lib-missing message', () => {
    const friendly = describeError({
      name: ERROR_NAMES.modelLibMissing,
      message: 'The model library could not be downloaded (HTTP 404).',
      detail: { url: 'https://example.test/lib.wasm', status: 404 },
    });
    expect(friendly.message).toContain('at https://example.test/lib.wasm');
    expect(friendly.message).toContain('(HTTP 404)');
    expect(describeError(named(ERROR_NAMES.modelLibMissing)).message).not.toContain('HTTP');
  });

  it('puts URL and status into download, config and library-invalid messages', () => {
    const detail = { url: 'https://example.test/file', status: 503 };
    expect(describeError({ name: ERROR_NAMES.downloadFailed, message: 'x', detail }).message).toContain(
      '(https://example.test/file, HTTP 503)',
    );
    expect(describeError({ name: ERROR_NAMES.modelConfigInvalid, message: 'bad json', detail }).message).toBe(
      "The model's configuration could not be read from https://example.test/file: bad json",
    );
    expect(describeError({ name: ERROR_NAMES.modelLibInvalid, message: 'x', detail }).message).toContain(
      'at https://example.test/file',
    );
  });

  it('says a library built for another web-llm runtime is that, not a corrupt file', () => {
    const detail = { url: 'https://example.test/lib.v0_2_48.wasm', mismatch: 'runtime' };
    const friendly = describeError({ name: ERROR_NAMES.modelLibInvalid, message: 'x', detail });
    expect(friendly.title).toBe('The model library was built for another version of web-llm');
    expect(friendly.message).toContain('at https://example.test/lib.v0_2_48.wasm');
    expect(friendly.message).not.toContain('corrupt');
    expect(friendly.actions).toEqual(['pick-another-model']);
  });

  it('quotes the original message where it says what is missing', () => {
    expect(describeError(named('FeatureSupportError', 'Feature timestamp-query is not supported')).message).toContain(
      'Feature timestamp-query is not supported',
    );
    const limits = 'requested maxStorageBufferBindingSize exceeds limit. requested=1024MB, limit=128MB.';
    expect(describeError(plain(limits)).message).toContain(limits);
  });
});

describe('serializeError', () => {
  it('keeps the name and message of Error subclasses', () => {
    class ShaderF16SupportError extends Error {
      constructor() {
        super('This model requires WebGPU extension shader-f16.');
        this.name = 'ShaderF16SupportError';
      }
    }
    expect(serializeError(new ShaderF16SupportError())).toEqual({
      name: 'ShaderF16SupportError',
      message: 'This model requires WebGPU extension shader-f16.',
    });
    expect(serializeError(new TypeError('Failed to fetch'))).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    expect(serializeError(new DOMException('cancelled', 'AbortError'))).toEqual({
      name: 'AbortError',
      message: 'cancelled',
    });
  });

  it('keeps a string code and an object detail', () => {
    const error = Object.assign(new Error('missing'), {
      name: ERROR_NAMES.modelLibMissing,
      code: 'model-lib-missing',
      detail: { url: 'http://localhost:1234/lib.wasm', status: 404 },
    });
    expect(serializeError(error)).toEqual({
      name: 'ModelLibraryMissingError',
      message: 'missing',
      code: 'model-lib-missing',
      detail: { url: 'http://localhost:1234/lib.wasm', status: 404 },
    });
    // A numeric code (as Node's system errors have) and a non-object detail are dropped.
    const other = Object.assign(new Error('x'), { code: 22, detail: 'text' });
    expect(serializeError(other)).toEqual({ name: 'Error', message: 'x' });
  });

  it('reads plain objects that carry a message', () => {
    expect(serializeError({ name: 'QuotaExceededError', message: 'full' })).toEqual({
      name: 'QuotaExceededError',
      message: 'full',
    });
    expect(serializeError({ message: 'no name' })).toEqual({ name: 'Error', message: 'no name' });
    expect(serializeError({ name: '', message: 42 })).toEqual({ name: 'Error', message: '42' });
  });

  it('turns anything else into an Error with the value as message', () => {
    expect(serializeError('boom')).toEqual({ name: 'Error', message: 'boom' });
    expect(serializeError(undefined)).toEqual({ name: 'Error', message: 'undefined' });
    expect(serializeError(null)).toEqual({ name: 'Error', message: 'null' });
    expect(serializeError({ reason: 'x' })).toEqual({ name: 'Error', message: '[object Object]' });
  });

  it('round-trips into the right friendly error', () => {
    const error = Object.assign(new Error('Device was lost'), { name: 'DeviceLostError' });
    expect(describeError(serializeError(error)).code).toBe('device-lost');
  });
});

describe('edgeError and isAbortError', () => {
  it('makes an error with a known name, its message and details, that maps to its code', () => {
    const error = edgeError(ERROR_NAMES.modelFileMissing, 'gone', { url: 'http://x/model.onnx', status: 404 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ModelFileMissingError');
    expect(serializeError(error)).toEqual({
      name: 'ModelFileMissingError',
      message: 'gone',
      detail: { url: 'http://x/model.onnx', status: 404 },
    });
    expect(classifyError(serializeError(error))).toBe('model-file-missing');
    expect(serializeError(edgeError(ERROR_NAMES.deviceLost, 'lost'))).toEqual({
      name: 'DeviceLostError',
      message: 'lost',
    });
  });

  it('tells a cancellation from a failure, whoever made it', () => {
    expect(isAbortError(new DOMException('cancelled', 'AbortError'))).toBe(true);
    expect(isAbortError(edgeError(ERROR_NAMES.abort, 'replaced'))).toBe(true);
    expect(isAbortError(new Error('AbortError'))).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });

  it('keeps the stack only for the worker boundary, and drops details structured clone would refuse', () => {
    const error = Object.assign(new Error('x'), { detail: { url: 'u', fn: () => 1 } });
    expect(serializeError(error)).not.toHaveProperty('stack');
    const crossing = serializeError(error, { withStack: true });
    expect(crossing.stack).toContain('Error: x');
    expect(crossing.detail).toEqual({ url: 'u' });
  });
});

describe('describeError with context', () => {
  it('offers to reload the model after a lost device only where the element can', () => {
    const lost = named(ERROR_NAMES.deviceLost);
    expect(describeError(lost, { canReloadModel: true }).actions).toEqual([
      'reload-model',
      'pick-another-model',
      'reload-page',
    ]);
    expect(describeError(lost).actions).toEqual(['retry', 'pick-another-model', 'reload-page']);
  });
});
