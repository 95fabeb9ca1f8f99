/**
 * The llama.cpp engine's pure parts: the catalog, where it computes (planned and as llama.cpp's
 * log tells it), its failures read from the log, and its timings.
 */
import { describe, expect, it } from 'vitest';
import {
  customLlamaCppRecord,
  ggufPartUrls,
  llamaCppIdOfUrl,
  llamaCppMemoryMB,
  llamaCppRecords,
  LLAMACPP_CATALOG,
  quantizationFromFileName,
  resolveLlamaCppModel,
} from '../../src/core/llamacpp-catalog.js';
import {
  defaultThreads,
  planCompute,
  reportCompute,
  threadsFromLog,
  type ComputeEnvironment,
} from '../../src/core/llamacpp-compute.js';
import { bufferBytes, isInvalidUtf8, loadFailure } from '../../src/core/llamacpp-log.js';
import { computePlace } from '../../src/core/compute-place.js';
import { checkCpuFit, cpuBudgetMB } from '../../src/core/llamacpp-fit.js';
import { figuresFromLlamaTimings } from '../../src/core/llamacpp-stats.js';
import { crossEngineKey, transformersRecords } from '../../src/core/transformers-catalog.js';
import { describeError } from '../../src/core/error-messages.js';
import { groupStoredFiles } from '../../src/core/storage.js';

// Lines as llama.cpp logged them in headless Chromium (SwiftShader, no shader-f16).
const CPU_LOAD_LOG = [
  'llama_model_loader: - kv   0:                       general.architecture str              = llama',
  'load_tensors: layer   0 assigned to device CPU, is_swa = 0',
  'load_tensors: layer   1 assigned to device CPU, is_swa = 0',
  'load_tensors: layer   2 assigned to device CPU, is_swa = 0',
  'load_tensors:          CPU model buffer size =     0.19 MiB',
  'llama_context:        CPU  output buffer size =     0.00 MiB',
  'llama_kv_cache:        CPU KV buffer size =     0.25 MiB',
  'sched_reserve:        CPU compute buffer size =     1.90 MiB',
  'cmn  common_init_from_params: llama threadpool init, n_threads = 2',
];

const swiftshader: ComputeEnvironment = {
  webgpu: true,
  adapter: { features: ['float32-filterable'], isFallbackAdapter: true },
  crossOriginIsolated: true,
  hardwareConcurrency: 2,
};

describe('llama.cpp catalog', () => {
  it('lists every quantization of every model, with a memory estimate and no GPU feature required', () => {
    const records = llamaCppRecords();
    expect(records.length).toBe(LLAMACPP_CATALOG.reduce((n, entry) => n + Object.keys(entry.files).length, 0));
    for (const record of records) {
      expect(record.engine).toBe('llamacpp');
      expect(record.vramMB).toBeGreaterThan(0);
      expect(record.requiredFeatures).toEqual([]);
      expect(resolveLlamaCppModel(record.id)?.url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/main\/.+\.gguf$/);
    }
  });

  it('shares cross-engine keys with the transformers.js catalog, so "also in" marks line up', () => {
    const transformers = new Set(transformersRecords().map(crossEngineKey));
    const llama = new Set(llamaCppRecords().map(crossEngineKey));
    for (const key of ['smollm2135m', 'smollm2360m', 'qwen2.50.5b', 'llama3.21b']) {
      expect(transformers.has(key)).toBe(true);
      expect(llama.has(key)).toBe(true);
    }
  });

  it('resolves catalog ids on the hub or a mirror, and GGUF URLs as given', () => {
    const id = 'bartowski/Llama-3.2-1B-Instruct-GGUF@Q4_K_M';
    expect(resolveLlamaCppModel(id)).toMatchObject({
      url: 'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
      quantization: 'Q4_K_M',
      sizeBytes: 810e6,
    });
    const mirrored = resolveLlamaCppModel(id, 'http://mirror.example/models/')!.url;
    expect(mirrored).toBe(
      'http://mirror.example/models/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    );
    expect(llamaCppIdOfUrl(mirrored)).toBe(id);
    expect(resolveLlamaCppModel('http://host/x/model-Q8_0.gguf')).toMatchObject({ quantization: 'Q8_0' });
    expect(resolveLlamaCppModel('http://host/x/model.bin')).toBeUndefined();
    expect(resolveLlamaCppModel('nobody/nothing@Q8_0')).toBeUndefined();
  });

  it('expands a split file into its parts', () => {
    expect(ggufPartUrls('http://h/m-Q8_0-00001-of-00003.gguf')).toEqual([
      'http://h/m-Q8_0-00001-of-00003.gguf',
      'http://h/m-Q8_0-00002-of-00003.gguf',
      'http://h/m-Q8_0-00003-of-00003.gguf',
    ]);
    expect(ggufPartUrls('http://h/m.gguf')).toEqual(['http://h/m.gguf']);
    expect(quantizationFromFileName('http://h/qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf')).toBe('Q4_K_M');
  });

  it('counts the KV cache at the context size in the memory a model needs', () => {
    // 100 MB of weights and 1 KiB per token at 4096 tokens, plus 10%.
    expect(llamaCppMemoryMB(100e6, 1024, 4096)).toBe(Math.round(((100e6 + 4 * 2 ** 20) * 1.1) / 2 ** 20));
    const record = customLlamaCppRecord({ url: 'http://host/models/tiny-Q4_0.gguf' });
    expect(record).toMatchObject({
      id: 'http://host/models/tiny-Q4_0.gguf',
      family: 'tiny-Q4_0',
      quantization: 'Q4_0',
    });
  });

  it('groups stored parts into one model named by its file, with its catalog id', () => {
    const url =
      'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q8_0.gguf';
    const [model] = groupStoredFiles('llamacpp', [{ url, bytes: 10, folder: url }]);
    expect(model).toMatchObject({
      name: 'Llama-3.2-1B-Instruct-Q8_0.gguf',
      modelIds: ['bartowski/Llama-3.2-1B-Instruct-GGUF@Q8_0'],
      bytes: 10,
    });
  });
});

describe('where llama.cpp computes', () => {
  it('asks for the GPU only with shader-f16, and says why not otherwise', () => {
    expect(planCompute(swiftshader)).toMatchObject({ gpuLayers: 0, deviceReason: expect.stringMatching(/shader-f16/) });
    expect(
      planCompute({ ...swiftshader, adapter: { features: ['shader-f16'], isFallbackAdapter: false } }),
    ).toMatchObject({ gpuLayers: 99999, deviceReason: undefined });
    expect(
      planCompute({ ...swiftshader, adapter: { features: ['shader-f16'], isFallbackAdapter: false } }, 'wasm'),
    ).toMatchObject({
      gpuLayers: 0,
      deviceReason: 'the CPU was chosen',
    });
    // The CPU path chosen on SwiftShader: the reason is the one that holds whatever was asked for.
    expect(planCompute(swiftshader, 'wasm').deviceReason).toMatch(/lacks shader-f16/);
    expect(
      planCompute({ ...swiftshader, adapter: { features: ['shader-f16'], isFallbackAdapter: true } }, 'wasm'),
    ).toMatchObject({ gpuLayers: 0, deviceReason: 'this GPU is a software renderer, so the CPU runs models faster' });
    expect(planCompute({ ...swiftshader, webgpu: false, adapter: undefined }).deviceReason).toMatch(/no WebGPU/);
  });

  it('runs cores minus one threads, as asked, and one without cross-origin isolation', () => {
    expect(defaultThreads(8)).toBe(7);
    expect(defaultThreads(1)).toBe(1);
    expect(planCompute({ ...swiftshader, hardwareConcurrency: 8 }).threads).toBe(7);
    expect(planCompute(swiftshader, undefined, 2).threads).toBe(2);
    const alone = planCompute({ ...swiftshader, crossOriginIsolated: false }, undefined, 2);
    expect(alone.threads).toBe(1);
    expect(alone.threadReason).toMatch(/not cross-origin isolated/);
  });

  it('reports the CPU when llama.cpp put every layer there, even after asking for the GPU', () => {
    const plan = planCompute(
      { ...swiftshader, adapter: { features: ['shader-f16'], isFallbackAdapter: false } },
      undefined,
      2,
    );
    const report = reportCompute(plan, CPU_LOAD_LOG, threadsFromLog(CPU_LOAD_LOG)!);
    expect(report).toMatchObject({ runtime: 'llama.cpp', device: 'cpu', threads: 2, gpuLayers: 0, totalLayers: 3 });
    expect(report.reason).toMatch(/no usable WebGPU device/);
    expect(computePlace(report)).toBe('llama.cpp on the CPU, 2 threads');
  });

  it('reports the GPU, and a partial offload, from the layers llama.cpp placed there', () => {
    const plan = planCompute(
      { ...swiftshader, adapter: { features: ['shader-f16'], isFallbackAdapter: false } },
      undefined,
      1,
    );
    const log = ['layer   0 assigned to device WebGPU, is_swa = 0', 'layer   1 assigned to device CPU, is_swa = 0'];
    expect(reportCompute(plan, log, 1)).toMatchObject({
      device: 'webgpu',
      gpuLayers: 1,
      totalLayers: 2,
      reason: '1 of 2 layers on the GPU, the rest on the CPU',
    });
    // No placement in the log: a GPU run is not claimed.
    expect(reportCompute(plan, [], 1).device).toBe('cpu');
  });

  it('says when llama.cpp runs fewer threads than asked for', () => {
    const plan = planCompute(swiftshader, undefined, 2);
    expect(reportCompute(plan, CPU_LOAD_LOG, 1).reason).toMatch(/runs 1 thread\(s\) of the 2 asked for/);
  });
});

describe("llama.cpp's log", () => {
  const failed = (line: string) => loadFailure([line, 'llama_model_load_from_file_impl: failed to load model']);

  it('names each load failure from the lines llama.cpp logged', () => {
    expect(failed("gguf_init_from_reader: invalid magic characters: 'GGUX', expected 'GGUF'")?.problem).toBe(
      'bad-magic',
    );
    expect(
      failed(
        "llama_model_load: error loading model: tensor 'blk.2.ffn_gate.weight' data is not within the file bounds, model is corrupted or incomplete",
      ),
    ).toMatchObject({
      problem: 'truncated',
      detail: expect.stringMatching(/^tensor 'blk\.2\.ffn_gate\.weight' data is not within/),
    });
    expect(failed("llama_model_load: error loading model: unknown model architecture: 'zorba'")).toMatchObject({
      problem: 'unknown-architecture',
      subject: 'zorba',
    });
    expect(
      failed("gguf_init_from_reader: tensor 'token_embd.weight' has invalid ggml type 200. should be in [0, 44)"),
    ).toMatchObject({ problem: 'unsupported-type', subject: '200' });
    expect(failed('llama_model_load: error loading model: something new')).toMatchObject({
      problem: 'other',
      detail: 'something new',
    });
    expect(loadFailure(CPU_LOAD_LOG)).toBeUndefined();
  });

  it("recognises invalid UTF-8 output behind wllama's RangeError", () => {
    expect(isInvalidUtf8('Invalid typed array length: 1163217991', [])).toBe(true);
    expect(isInvalidUtf8('x', ['[json.exception.type_error.316] invalid UTF-8 byte at index 0: 0xFF'])).toBe(true);
    expect(isInvalidUtf8('x', CPU_LOAD_LOG)).toBe(false);
    expect(describeError({ name: 'RangeError', message: 'Invalid typed array length: 4' }).code).toBe('invalid-output');
  });

  it("sums the CPU buffers llama.cpp allocated: the model's RAM on the CPU path", () => {
    const cpu = bufferBytes(CPU_LOAD_LOG).get('CPU')!;
    expect(cpu).toBe(Math.round(0.19 * 2 ** 20) + 0 + Math.round(0.25 * 2 ** 20) + Math.round(1.9 * 2 ** 20));
  });
});

describe("llama.cpp's timings", () => {
  it('turns them into TTFT, prefill and decode as DESIGN.md defines them', () => {
    expect(figuresFromLlamaTimings({ prompt_n: 26, prompt_ms: 13, predicted_n: 25, predicted_ms: 48 })).toEqual({
      ttftMs: 13,
      prefillTokensPerSecond: 2000,
      decodeTokensPerSecond: 500,
    });
    expect(figuresFromLlamaTimings(undefined)).toBeUndefined();
    expect(figuresFromLlamaTimings({ prompt_n: 3, prompt_ms: 0 })).toBeUndefined();
  });
});

describe('llama.cpp errors', () => {
  it('gives each failure its own code, words and way forward', () => {
    const cases: [string, string, RegExp][] = [
      ['GgufInvalidError', 'gguf-invalid', /not a valid model/],
      ['ArchitectureUnsupportedError', 'architecture-unsupported', /cannot run this kind/],
      ['QuantizationUnsupportedError', 'quantization-unsupported', /format llama\.cpp does not know/],
      ['WasmMemoryExceededError', 'wasm-memory-exceeded', /too large for WebAssembly memory/],
      ['InvalidOutputError', 'invalid-output', /not text/],
      ['EngineCrashedError', 'engine-crashed', /llama\.cpp stopped/],
    ];
    for (const [name, code, title] of cases) {
      const friendly = describeError({ name, message: 'detail' });
      expect(friendly.code).toBe(code);
      expect(friendly.title).toMatch(title);
      expect(friendly.actions.length).toBeGreaterThan(0);
    }
  });
});

describe('llama.cpp on the CPU: will it fit', () => {
  const record = (vramMB: number) => ({ ...llamaCppRecords()[0]!, vramMB });
  it('judges the model against the smaller of WebAssembly memory and the device memory', () => {
    expect(cpuBudgetMB({ deviceMemoryGB: 16 }).budgetMB).toBe(4096);
    expect(cpuBudgetMB({ deviceMemoryGB: 4 }).budgetMB).toBe(2048);
    expect(checkCpuFit(record(500), { deviceMemoryGB: 8 }).verdict).toBe('fits');
    expect(checkCpuFit(record(1600), { deviceMemoryGB: 4 }).verdict).toBe('tight');
    expect(checkCpuFit(record(3000), { deviceMemoryGB: 4 })).toMatchObject({ verdict: 'wont-fit' });
    expect(checkCpuFit(record(5000), { deviceMemoryGB: 32 }).reason).toMatch(/WebAssembly memory stops at/);
    expect(checkCpuFit(record(500), { deviceMemoryGB: undefined }).reason).toMatch(/assumed/);
  });

  it('says the Phi-3.5 Q8_0 file cannot run on the CPU, and its Q4_K_M can on a large device', () => {
    const phi = (quant: string) =>
      llamaCppRecords().find((r) => r.id === `bartowski/Phi-3.5-mini-instruct-GGUF@${quant}`)!;
    expect(checkCpuFit(phi('Q8_0'), { deviceMemoryGB: 32 }).verdict).toBe('wont-fit');
    expect(checkCpuFit(phi('Q4_0'), { deviceMemoryGB: 32 }).verdict).not.toBe('wont-fit');
  });
});
