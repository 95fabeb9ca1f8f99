import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { isInstructModel, quantizationNeedsF16, recordFromWebLlm } from '../../src/core/catalog.js';
import { needsShaderF16 } from '../../src/core/fit.js';
import { customLlamaCppRecord, llamaCppRecords } from '../../src/core/llamacpp-catalog.js';
import { groupModels, type ModelGroup } from '../../src/core/model-groups.js';
import { customTransformersRecord, transformersRecords } from '../../src/core/transformers-catalog.js';
import {
  bestVariant,
  defaultChoice,
  downloadCost,
  judgeVariant,
  type ChoiceContext,
} from '../../src/core/variant-choice.js';
import type { DeviceReport, ModelRecord } from '../../src/shared/engine-api.js';

const GIB = 2 ** 30;
const WEBLLM = prebuiltAppConfig.model_list.map((entry) => recordFromWebLlm(entry));
const ALL: ModelRecord[] = [...WEBLLM, ...transformersRecords(), ...llamaCppRecords()];
const GROUPS = groupModels(ALL);

function report(overrides: Partial<DeviceReport>): DeviceReport {
  return {
    webgpu: 'available',
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    isFallbackAdapter: false,
    features: [],
    limits: { maxBufferSize: GIB, maxStorageBufferBindingSize: GIB, maxComputeWorkgroupStorageSize: 16384 },
    deviceMemoryGB: 8,
    hardwareConcurrency: 2,
    ...overrides,
  };
}

/** What SwiftShader reports here: a fallback adapter without shader-f16, 1 GiB bindings. */
const SWIFTSHADER = report({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
const DESKTOP = report({ features: ['shader-f16'], vendor: 'nvidia', architecture: 'ampere' });
const NO_WEBGPU = report({
  webgpu: 'no-navigator-gpu',
  limits: { maxBufferSize: 0, maxStorageBufferBindingSize: 0, maxComputeWorkgroupStorageSize: 0 },
  deviceMemoryGB: undefined,
});

const ctx = (device: DeviceReport, path: 'gpu' | 'cpu', catalog: readonly ModelRecord[] = ALL): ChoiceContext => ({
  device,
  path,
  catalog,
});

function group(key: string, groups: readonly ModelGroup[] = GROUPS): ModelGroup {
  const found = groups.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no group ${key}`);
  return found;
}

function record(id: string): ModelRecord {
  const found = ALL.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no record ${id}`);
  return found;
}

describe('judgeVariant', () => {
  it('runs llama.cpp and transformers.js on the CPU path through WebAssembly, judged against device memory', () => {
    const judged = judgeVariant(record('bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0'), ctx(SWIFTSHADER, 'cpu'));
    expect(judged).toMatchObject({ device: 'wasm', computesOn: 'cpu', offPath: false, status: 'fits', runsHere: true });
    // (229 MB of weights + 4,096 tokens x 40,960 bytes of KV cache) x 1.1, against half of 8 GiB.
    expect(judged.reason).toBe('Runs on the CPU with llama.cpp. Needs 436 MB of about 4.3 GB.');
    const onnx = judgeVariant(record('HuggingFaceTB/SmolLM2-360M-Instruct@q4'), ctx(SWIFTSHADER, 'cpu'));
    expect(onnx).toMatchObject({ device: 'wasm', computesOn: 'cpu', status: 'fits' });
  });

  it('says web-llm has no CPU path, and that it needs WebGPU where there is none', () => {
    const onSwiftShader = judgeVariant(record('SmolLM2-360M-Instruct-q4f32_1-MLC'), ctx(SWIFTSHADER, 'cpu'));
    expect(onSwiftShader).toMatchObject({ device: 'webgpu', computesOn: 'gpu', offPath: true, runsHere: true });
    expect(onSwiftShader.reason).toMatch(/^web-llm has no CPU path: it runs on the GPU\./);
    const withoutWebGpu = judgeVariant(record('SmolLM2-360M-Instruct-q4f32_1-MLC'), ctx(NO_WEBGPU, 'cpu'));
    expect(withoutWebGpu).toMatchObject({ status: 'needs-webgpu', runsHere: false });
    expect(withoutWebGpu.reason).toBe('web-llm runs only on WebGPU, which this browser does not offer.');
  });

  it('counts llama.cpp on a GPU without shader-f16 as a CPU variant, and says why', () => {
    const judged = judgeVariant(record('bartowski/SmolLM2-360M-Instruct-GGUF@Q8_0'), ctx(SWIFTSHADER, 'gpu'));
    expect(judged).toMatchObject({ computesOn: 'cpu', offPath: true, runsHere: true });
    expect(judged.reason).toMatch(/shader-f16, which this GPU lacks: it runs on the CPU\./);
    const onDesktop = judgeVariant(record('bartowski/SmolLM2-360M-Instruct-GGUF@Q8_0'), ctx(DESKTOP, 'gpu'));
    expect(onDesktop).toMatchObject({ device: 'webgpu', computesOn: 'gpu', offPath: false });
  });

  it('marks f16 variants on a GPU without shader-f16, naming the 32-bit twin', () => {
    const judged = judgeVariant(record('SmolLM2-360M-Instruct-q4f16_1-MLC'), ctx(SWIFTSHADER, 'gpu'));
    expect(judged).toMatchObject({ status: 'needs-f16', runsHere: false });
    expect(judged.alternative?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
  });

  it('says "size unknown" for a model of unknown size, never "Needs 0 B"', () => {
    const custom = customLlamaCppRecord({ url: 'https://m.example/mine-Q4_0.gguf' });
    for (const path of ['cpu', 'gpu'] as const) {
      const judged = judgeVariant(custom, ctx(DESKTOP, path, [custom]));
      expect(judged.status).toBe('size-unknown');
      expect(judged.runsHere).toBe(true);
      expect(judged.reason).toContain('Size unknown');
      expect(judged.reason).not.toMatch(/\b0 B\b/);
    }
  });

  it('says llama.cpp cannot load where the page has no private file system to keep its models in', () => {
    const insecure = { ...NO_WEBGPU, privateFileSystem: false };
    const judged = judgeVariant(record('bartowski/SmolLM2-135M-Instruct-GGUF@Q4_0'), ctx(insecure, 'cpu'));
    expect(judged).toMatchObject({ status: 'needs-storage', runsHere: false });
    expect(judged.reason).toContain('private file system');
    // The same model on transformers.js runs there instead.
    const best = bestVariant(group('smollm2-135m-instruct').variants, ctx(insecure, 'cpu'));
    expect(best?.judgement.record.id).toBe('HuggingFaceTB/SmolLM2-135M-Instruct@q4');
  });

  it('refuses a model over WebAssembly memory on the CPU', () => {
    const judged = judgeVariant(
      record('bartowski/Phi-3.5-mini-instruct-GGUF@Q8_0'),
      ctx(report({ deviceMemoryGB: 32 }), 'cpu'),
    );
    expect(judged).toMatchObject({ status: 'wont-fit', runsHere: false });
    expect(judged.reason).toContain('WebAssembly memory stops at');
  });
});

describe('bestVariant', () => {
  it('on SwiftShader never pre-chooses a variant that needs shader-f16, for any model of any engine', () => {
    for (const path of ['gpu', 'cpu'] as const) {
      for (const candidate of GROUPS) {
        const best = bestVariant(candidate.variants, ctx(SWIFTSHADER, path));
        if (best) expect(needsShaderF16(best.judgement.record), `${path} ${candidate.key}`).toBe(false);
      }
    }
  });

  it('never pre-chooses a variant that does not run here', () => {
    for (const device of [SWIFTSHADER, DESKTOP, NO_WEBGPU, report({ deviceMemoryGB: 2 })]) {
      for (const candidate of GROUPS) {
        const best = bestVariant(candidate.variants, ctx(device, 'cpu'));
        if (best) expect(best.judgement.runsHere).toBe(true);
      }
    }
  });

  it('on the CPU path picks llama.cpp, the smallest download that fits, and says why', () => {
    const best = bestVariant(group('smollm2-360m-instruct').variants, ctx(SWIFTSHADER, 'cpu'));
    expect(best?.judgement.record.id).toBe('bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0');
    expect(best?.judgement.device).toBe('wasm');
    expect(best?.reason).toBe(
      'Best for this device: llama.cpp on the CPU; faster there than transformers.js; fits this device (needs 436 MB); the smallest llama.cpp download (229 MB).',
    );
  });

  it('on the CPU path falls back to transformers.js for models without a GGUF, 32-bit before 16-bit', () => {
    const folder = 'http://127.0.0.1/fixtures/onnx-tiny';
    const variants = (['q4f16', 'q4', 'fp16'] as const).map((dtype) => ({
      ...customTransformersRecord({ url: folder, dtype }),
      vramMB: dtype === 'q4f16' ? 10 : dtype === 'q4' ? 12 : 20,
    }));
    const best = bestVariant(variants, ctx(SWIFTSHADER, 'cpu', variants));
    expect(best?.judgement.record.quantization).toBe('q4');
  });

  it('on the GPU path without shader-f16 prefers web-llm, and with it llama.cpp', () => {
    const smol = group('smollm2-360m-instruct').variants;
    expect(bestVariant(smol, ctx(SWIFTSHADER, 'gpu'))?.judgement.record.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    const desktop = bestVariant(smol, ctx(DESKTOP, 'gpu'));
    expect(desktop?.judgement.record.id).toBe('bartowski/SmolLM2-360M-Instruct-GGUF@Q4_0');
    expect(desktop?.judgement).toMatchObject({ device: 'webgpu', computesOn: 'gpu' });
  });

  it('prefers a stored variant among equals: it costs no download', () => {
    const stored = group('smollm2-360m-instruct').variants.map((candidate) =>
      candidate.id === 'bartowski/SmolLM2-360M-Instruct-GGUF@Q8_0' ? { ...candidate, cached: true } : candidate,
    );
    const best = bestVariant(stored, ctx(SWIFTSHADER, 'cpu'));
    expect(best?.judgement.record.id).toBe('bartowski/SmolLM2-360M-Instruct-GGUF@Q8_0');
    expect(best?.reason).toContain('already stored on this device');
    expect(downloadCost(best!.judgement.record)).toBe(0);
  });

  it('keeps a model only web-llm has on the GPU when the CPU path is chosen, and says so', () => {
    const best = bestVariant(group('qwen3-0.6b').variants, ctx(SWIFTSHADER, 'cpu'));
    expect(best?.judgement).toMatchObject({ computesOn: 'gpu', offPath: true });
    expect(best?.reason).toContain('web-llm has no CPU path: it runs on the GPU.');
    expect(bestVariant(group('qwen3-0.6b').variants, ctx(NO_WEBGPU, 'cpu'))).toBeUndefined();
  });

  it('prefers a comfortable fit over a tight one, whatever the engine', () => {
    // 4 GB of RAM: a 2 GiB CPU budget; SmolLM2 1.7B's Q8_0 needs 2.9 GB, its 4-bit files 2 GB (tight).
    const phone = report({ deviceMemoryGB: 4 });
    const best = bestVariant(group('smollm2-1.7b-instruct').variants, ctx(phone, 'cpu'));
    expect(best?.judgement.status).toBe('tight');
    const small = bestVariant(group('smollm2-135m-instruct').variants, ctx(phone, 'cpu'));
    expect(small?.judgement.status).toBe('fits');
  });
});

describe('defaultChoice', () => {
  const instruct = (candidate: ModelGroup) => candidate.variants.some(isInstructModel);

  it('starts a new visitor on SwiftShader on the CPU, with the smallest instruct model that fits', () => {
    const choice = defaultChoice(GROUPS, ctx(SWIFTSHADER, 'cpu'), instruct);
    expect(choice?.group.title).toBe('SmolLM2 135M');
    expect(choice?.best.judgement).toMatchObject({ device: 'wasm', computesOn: 'cpu' });
    expect(choice?.best.judgement.record.id).toBe('bartowski/SmolLM2-135M-Instruct-GGUF@Q4_0');
  });

  it('on the GPU path keeps what the app chose before the CPU path existed', () => {
    const choice = defaultChoice(GROUPS, ctx(SWIFTSHADER, 'gpu'), instruct);
    expect(choice?.best.judgement.record.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
  });

  it('gives a browser without WebGPU a CPU model', () => {
    const choice = defaultChoice(GROUPS, ctx(NO_WEBGPU, 'cpu'), instruct);
    expect(choice?.best.judgement).toMatchObject({ device: 'wasm', runsHere: true, offPath: false });
    expect(quantizationNeedsF16(choice!.best.judgement.record.quantization)).toBe(false);
  });

  it('takes a model of unknown size when it is all there is', () => {
    const custom = customTransformersRecord({ url: 'http://127.0.0.1/fixtures/onnx-tiny', dtype: 'fp32' });
    const choice = defaultChoice(groupModels([custom]), ctx(SWIFTSHADER, 'cpu', [custom]), () => true);
    expect(choice?.best.judgement.status).toBe('size-unknown');
  });
});
