/** The benchmark's correctness step: checked, not checked (and why), cancelled. */
import { describe, expect, it } from 'vitest';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { modelQuantization } from '../../src/core/quantization.js';
import { benchCorrectness, NOT_CHECKED } from '../../src/measure/bench-correctness.js';
import type { ForcedChoices, ForcedInput, LoadOptions, LoadReport } from '../../src/shared/engine-api.js';

/**
 * A test double behind the check's engine interface: reads text as char codes, predicts the id it
 * read, except on the CPU at the positions given; or fails the way it is told to.
 */
class ForcedEngineDouble {
  calls: string[] = [];
  private device: string | undefined;
  constructor(private readonly options: { cpuDiffersAt?: number[]; failWith?: Error } = {}) {}
  async load(_engine: string, _model: string, _progress: unknown, options?: LoadOptions): Promise<LoadReport> {
    this.device = options?.device;
    this.calls.push(`load:${options?.device}`);
    return {
      modelId: 'm',
      engine: 'double',
      fromCache: true,
      durationMs: 1,
      downloadedBytes: 0,
      weightBytes: 1,
      contextWindow: 512,
    };
  }
  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    this.calls.push('forced');
    if (this.options.failWith) throw this.options.failWith;
    const ids =
      'tokenIds' in input ? input.tokenIds : [...input.text].map((c) => c.charCodeAt(0)).slice(0, input.maxTokens);
    const differs = this.options.cpuDiffersAt ?? [];
    const top1 = ids.map((id, i) => (this.device === 'wasm' && differs.includes(i) ? id + 1 : id));
    return { tokenIds: ids, top1, top1Logprobs: ids.map(() => -0.1), targetLogprobs: ids.slice(1).map(() => -2) };
  }
  async unload() {
    this.calls.push('unload');
  }
  async cancelLoad() {
    this.calls.push('cancelLoad');
  }
}

const subject = { engine: 'transformers', model: 'org/model@q4f16', device: 'webgpu' } as const;

describe('benchCorrectness', () => {
  it('records the check with the model, its device and its quantization', async () => {
    const engine = new ForcedEngineDouble({ cpuDiffersAt: [9, 10, 11] });
    const check = await benchCorrectness(engine, subject, 'test GPU');
    expect(engine.calls).toEqual(['load:webgpu', 'forced', 'load:wasm', 'forced', 'unload']);
    expect(check).toMatchObject({
      engine: 'transformers',
      model: 'org/model@q4f16',
      computeDevice: 'webgpu',
      quantization: 'q4f16',
      checked: true,
      reference: 'wasm',
      positions: 256,
      agreeing: 253,
      firstDisagreement: 9,
    });
    expect(check.message).toMatch(
      /^This device computes this model differently from the CPU \(test GPU, transformers\.js on WebGPU, q4f16\)/,
    );
  });

  it('reports an engine without teacher forcing as not checked instead of failing', async () => {
    const unsupported = edgeError(
      ERROR_NAMES.forcedChoicesUnsupported,
      'The webllm engine cannot read a fixed sequence.',
    );
    const engine = new ForcedEngineDouble({ failWith: unsupported });
    const check = await benchCorrectness(
      engine,
      { engine: 'webllm', model: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', device: 'webgpu' },
      'test GPU',
    );
    expect(check).toEqual({
      engine: 'webllm',
      model: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      computeDevice: 'webgpu',
      quantization: 'q4f32_1',
      checked: false,
      message: NOT_CHECKED.unsupported,
    });
    expect(NOT_CHECKED.unsupported).toMatch(/^Not checked: this engine cannot be teacher-forced/);
    expect(engine.calls.at(-1)).toBe('unload');
  });

  it('says why when the check itself fails, keeping the benchmark', async () => {
    const engine = new ForcedEngineDouble({ failWith: edgeError(ERROR_NAMES.deviceLost, 'GPU lost') });
    const check = await benchCorrectness(engine, subject, 'test GPU');
    expect(check).toMatchObject({ checked: false });
    expect(check.message).toMatch(/^Not checked: the check failed \(The GPU device was lost: /);
  });

  it('does not compare the CPU with itself', async () => {
    const engine = new ForcedEngineDouble();
    const check = await benchCorrectness(engine, { ...subject, device: 'wasm' }, 'test GPU');
    expect(check).toMatchObject({ checked: false, message: NOT_CHECKED.onCpu, computeDevice: 'wasm' });
    expect(engine.calls).toEqual([]);
  });

  it('rejects when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(benchCorrectness(new ForcedEngineDouble(), subject, 'GPU', controller.signal)).rejects.toThrow();
  });
});

describe('modelQuantization', () => {
  it('reads the weights from a web-llm id or after the @ of a transformers.js id', () => {
    expect(modelQuantization('webllm', 'Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe('q4f16_1');
    expect(modelQuantization('transformers', 'http://127.0.0.1:1/fixtures/onnx-tiny@fp32')).toBe('fp32');
    expect(modelQuantization('transformers', 'org/name')).toBe('');
    expect(modelQuantization('double', 'double-timed')).toBe('');
  });
});
