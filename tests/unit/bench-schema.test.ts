import { describe, expect, it } from 'vitest';
import { BENCH_SCHEMA, MAX_SAMPLES, parseBenchResult, validateBenchResult } from '../../src/core/bench-schema.js';
import { sampleProbe, sampleResult } from './bench-fixture.js';

/** A deep copy as plain JSON, for mutating into invalid shapes in a test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests write wrong types on purpose
function plain(): Record<string, any> {
  return JSON.parse(JSON.stringify(sampleResult()));
}

function errorOf(json: unknown): string {
  const result = validateBenchResult(json);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

describe('validateBenchResult', () => {
  it('accepts a valid result and recomputes its summary', () => {
    const json = plain();
    json.summary = [{ bogus: true }];
    const result = validateBenchResult(json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(sampleResult());
    expect(result.value.summary[0]!.decodeTokensPerSecond).toEqual({ median: 70, p10: 54, p90: 86, n: 5 });
    expect(result.value.summary[0]!.ttftMs).toEqual({ median: 110, p10: 94, p90: 126, n: 5 });
  });

  it('round-trips through JSON text', () => {
    const result = parseBenchResult(JSON.stringify(sampleResult()));
    expect(result).toEqual({ ok: true, value: sampleResult() });
  });

  it('drops unknown fields', () => {
    const json = plain();
    json.extra = 'x';
    json.runs[0].extra = 'y';
    const result = validateBenchResult(json);
    expect(result.ok && 'extra' in result.value).toBe(false);
    expect(result.ok && 'extra' in result.value.runs[0]!).toBe(false);
  });

  it('rejects a file that is not a benchmark', () => {
    expect(errorOf(null)).toBe('not an edge-llm benchmark file (expected an object, got null)');
    expect(errorOf([])).toBe('not an edge-llm benchmark file (expected an object, got an array)');
    expect(errorOf({})).toBe('not an edge-llm benchmark file (schema is missing)');
    expect(errorOf({ ...plain(), schema: 'edge-llm/probe@1' })).toBe(
      'not an edge-llm benchmark file (schema "edge-llm/probe@1", expected "edge-llm/bench@2")',
    );
  });

  it('rejects a newer major version and accepts a newer minor one', () => {
    expect(errorOf({ ...plain(), schema: 'edge-llm/bench@3' })).toBe(
      'made by a newer edge-llm (schema "edge-llm/bench@3"); this version reads "edge-llm/bench@2": update edge-llm',
    );
    expect(validateBenchResult({ ...plain(), schema: 'edge-llm/bench@2.1' }).ok).toBe(true);
    expect(errorOf({ ...plain(), schema: 'edge-llm/bench@0' })).toMatch(/^unsupported old benchmark file/);
  });

  it('reads a bench@1 file (no correctness check) as the current version', () => {
    const old = { ...plain(), schema: 'edge-llm/bench@1' };
    const read = validateBenchResult(old);
    expect(read).toEqual({ ok: true, value: sampleResult() });
    expect(read.ok && read.value.schema).toBe('edge-llm/bench@2');
    expect(read.ok && 'correctness' in read.value).toBe(false);
  });

  it('reads the correctness check, checked or not, and names a bad field', () => {
    const checked = {
      engine: 'transformers',
      model: 'onnx-community/Qwen2.5-0.5B-Instruct@q4',
      computeDevice: 'webgpu',
      quantization: 'q4',
      checked: true,
      reference: 'wasm',
      positions: 256,
      agreeing: 249,
      maxLogprobDelta: 0.84,
      firstDisagreement: 17,
      message: 'This device computes this model differently from the CPU (…)',
    };
    const json = plain();
    json.correctness = { ...checked, extra: '<b>' };
    const read = validateBenchResult(json);
    expect(read.ok && read.value.correctness).toEqual(checked);
    expect(parseBenchResult(JSON.stringify(read.ok && read.value))).toEqual(read);

    const skipped = {
      engine: 'webllm',
      model: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
      checked: false,
      message: 'Not checked: this engine cannot be teacher-forced.',
    };
    json.correctness = { ...skipped, positions: 256 };
    const notChecked = validateBenchResult(json);
    expect(notChecked.ok && notChecked.value.correctness).toEqual(skipped);

    json.correctness = { ...checked, agreeing: 300 };
    expect(errorOf(json)).toBe('correctness.agreeing (300) is more than correctness.positions (256)');
    json.correctness = { ...checked, checked: 'yes' };
    expect(errorOf(json)).toBe('correctness.checked must be true or false (got string)');
    json.correctness = { ...checked, positions: undefined };
    expect(errorOf(json)).toBe('correctness.positions must be a finite number');
    json.correctness = { ...skipped, model: undefined };
    expect(errorOf(json)).toBe('correctness.model must be a string (got undefined)');
  });

  it('names the bad field', () => {
    const json = plain();
    json.runs[0].decodeTokensPerSecond[2] = 'fast';
    expect(errorOf(json)).toBe('runs[0].decodeTokensPerSecond[2] must be a finite number');

    const nulls = plain();
    nulls.runs[0].ttftMs[1] = null; // what JSON makes of NaN and Infinity
    expect(errorOf(nulls)).toBe('runs[0].ttftMs[1] must be a finite number');

    const negative = plain();
    negative.runs[0].promptTokens = -1;
    expect(errorOf(negative)).toBe('runs[0].promptTokens must not be negative (got -1)');

    const noModel = plain();
    delete noModel.runs[0].model;
    expect(errorOf(noModel)).toBe('runs[0].model must be a string (got undefined)');

    const fallback = plain();
    fallback.device.adapter.isFallbackAdapter = 'no';
    expect(errorOf(fallback)).toBe('device.adapter.isFallbackAdapter must be true or false (got string)');

    const limits = plain();
    limits.device.limits.maxBufferSize = 'big';
    expect(errorOf(limits)).toBe('device.limits["maxBufferSize"] must be a finite number');

    const feature = plain();
    feature.device.features[1] = 7;
    expect(errorOf(feature)).toBe('device.features[1] must be a string (got number)');

    const cold = plain();
    cold.runs[0].coldLoadMs = 'slow';
    expect(errorOf(cold)).toBe('runs[0].coldLoadMs must be a finite number');

    const runs = plain();
    runs.runs = {};
    expect(errorOf(runs)).toBe('runs must be an array (got an object)');

    const date = plain();
    date.createdAt = 'yesterday';
    expect(errorOf(date)).toBe('createdAt must be an ISO 8601 date and time (got "yesterday")');
  });

  it('reads a probe@1 file, whose summaries named the sample count `runs`, as probe@2', () => {
    const json = plain();
    const legacy = JSON.parse(JSON.stringify(sampleProbe()));
    legacy.schema = 'edge-llm/probe@1';
    for (const kernel of Object.values(legacy.kernels) as Record<string, Record<string, number>>[]) {
      for (const speed of ['ms', 'gbPerSecond', 'gflopPerSecond']) {
        const summary = kernel[speed];
        if (!summary) continue;
        summary.runs = summary.n!;
        delete summary.n;
      }
    }
    json.probe = legacy;
    const read = validateBenchResult(json);
    expect(read.ok && read.value.probe).toEqual(sampleProbe());
    json.probe.kernels.copy.ms.runs = 'five';
    expect(errorOf(json)).toBe('probe.kernels.copy.ms.runs must be a finite number');
  });

  it('checks the probe field by field and keeps only known fields', () => {
    const json = plain();
    json.probe = { ...sampleProbe(), extra: '<script>' };
    const good = validateBenchResult(json);
    expect(good.ok && good.value.probe).toEqual(sampleProbe());

    json.probe = { ...sampleProbe(), schema: 'edge-llm/probe@9' };
    expect(errorOf(json)).toBe('probe.schema must be "edge-llm/probe@2" (got "edge-llm/probe@9")');
    json.probe = { ...sampleProbe(), kernels: undefined };
    expect(errorOf(json)).toBe('probe.kernels must be an object (got undefined)');
    json.probe = sampleProbe();
    json.probe.kernels.bandwidth.gbPerSecond.median = 'fast';
    expect(errorOf(json)).toBe('probe.kernels.bandwidth.gbPerSecond.median must be a finite number');
    json.probe = sampleProbe();
    json.probe.kernels.copy.status = 'great';
    expect(errorOf(json)).toBe(
      'probe.kernels.copy.status must be one of ok, check-failed, skipped, error (got "great")',
    );
    json.probe = sampleProbe();
    delete json.probe.kernels.matvecQ4;
    expect(errorOf(json)).toBe('probe.kernels.matvecQ4 must be an object (got undefined)');
    json.probe = sampleProbe();
    json.probe.kernelToCopyRatio = -1;
    expect(errorOf(json)).toBe('probe.kernelToCopyRatio must not be negative (got -1)');
  });

  it('reads the protocol, the optional run fields and the notes', () => {
    const json = plain();
    json.protocol = {
      version: 'edge-llm/protocol@1',
      runs: 3,
      warmupRuns: 1,
      decodeTokens: 128,
      promptLengths: [128, 512],
    };
    Object.assign(json.runs[0], {
      computeDevice: 'webgpu',
      targetPromptTokens: 128,
      decodeTokens: 128,
      outputTokens: [128, 128, 128, 128, 128],
      weightBytes: 1e9,
      kvBytesPerToken: 4096,
    });
    json.notes = ['cold load not measured'];
    const result = validateBenchResult(json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.protocol).toEqual(json.protocol);
    expect(result.value.runs[0]).toMatchObject({
      computeDevice: 'webgpu',
      kvBytesPerToken: 4096,
      outputTokens: [128, 128, 128, 128, 128],
    });
    expect(result.value.notes).toEqual(['cold load not measured']);

    json.runs[0].kvBytesPerToken = -5;
    expect(errorOf(json)).toBe('runs[0].kvBytesPerToken must not be negative (got -5)');
    json.runs[0].kvBytesPerToken = 1;
    json.protocol.promptLengths = ['long'];
    expect(errorOf(json)).toBe('protocol.promptLengths[0] must be a finite number');
    json.protocol.promptLengths = [];
    json.notes = [7];
    expect(errorOf(json)).toBe('notes[0] must be a string (got number)');
  });

  it('rejects absurd sizes', () => {
    const samples = plain();
    samples.runs[0].ttftMs = new Array(MAX_SAMPLES + 1).fill(1);
    expect(errorOf(samples)).toBe('runs[0].ttftMs has too many samples (10001; at most 10000)');
    const many = plain();
    many.runs[0].ttftMs = new Array(MAX_SAMPLES).fill(1);
    expect(validateBenchResult(many).ok).toBe(true);

    const long = plain();
    long.runs[0].model = 'x'.repeat(1001);
    expect(errorOf(long)).toBe('runs[0].model is too long (1001 characters; at most 1000)');
    long.runs[0].model = 'x'.repeat(1000);
    expect(validateBenchResult(long).ok).toBe(true);
  });

  it('keeps hostile strings as plain data', () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const json = plain();
    json.runs[0].model = hostile;
    json.device.adapter.description = '${process.exit(1)}';
    json.device.limits = JSON.parse('{"__proto__": 5, "constructor": 6}');
    const result = parseBenchResult(JSON.stringify(json));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.runs[0]!.model).toBe(hostile);
    expect(result.value.device.adapter.description).toBe('${process.exit(1)}');
    expect(Object.getPrototypeOf(result.value.device.limits)).toBe(Object.prototype);
    expect(Object.keys(result.value.device.limits)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(result.value)).runs[0].model).toBe(hostile);
  });

  it('never throws on a hostile object', () => {
    const trap = {
      schema: BENCH_SCHEMA,
      get createdAt(): string {
        throw new Error('boom');
      },
    };
    expect(errorOf(trap)).toBe('not a readable benchmark file (Error: boom)');
  });
});

describe('parseBenchResult', () => {
  it('says when the file is truncated or not JSON', () => {
    const text = JSON.stringify(sampleResult());
    const truncated = parseBenchResult(text.slice(0, text.length / 2));
    expect(truncated.ok).toBe(false);
    expect(!truncated.ok && truncated.error).toMatch(/^the file is truncated or not JSON \(/);
    const html = parseBenchResult('<html></html>');
    expect(!html.ok && html.error).toMatch(/^the file is truncated or not JSON/);
    expect(parseBenchResult('42')).toEqual({
      ok: false,
      error: 'not an edge-llm benchmark file (expected an object, got number)',
    });
  });
});
