/**
 * The twins' spec table, weight source, vocabulary and 4-bit packing: the real architectures and
 * parameter counts, deterministic values of the documented scale, and quantization that decodes
 * back within its error bound with the bit layout each runtime reads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatorDigest, isTwinComplete, twinFolder, writeTwin } from '../../scripts/twins/index.mjs';
import { dequantizeBlockQ4, dequantizeMlcQ4, quantizeBlockQ4, quantizeMlcQ4 } from '../../scripts/twins/quantize.mjs';
import { hfConfig, hfTensors, parameterCount, TWIN_NOTE, TWIN_SPECS, twinSpec } from '../../scripts/twins/spec.mjs';
import { tokenizerJson } from '../../scripts/twins/tokenizer.mjs';
import { buildVocabulary, silentTokenIds, vocabLayout } from '../../scripts/twins/vocab.mjs';
import { createWeightSource, TWIN_SEED } from '../../scripts/twins/weights.mjs';

function std(data: Float32Array): number {
  let sum = 0;
  let sumSq = 0;
  for (const value of data) {
    sum += value;
    sumSq += value * value;
  }
  const mean = sum / data.length;
  return Math.sqrt(sumSq / data.length - mean * mean);
}

describe('twin specs', () => {
  it('have the published architectures (issue 12 and the models’ config.json)', () => {
    expect(hfConfig(twinSpec('smollm2-135m'))).toMatchObject({
      model_type: 'llama',
      hidden_size: 576,
      num_hidden_layers: 30,
      intermediate_size: 1536,
      num_attention_heads: 9,
      num_key_value_heads: 3,
      head_dim: 64,
      vocab_size: 49152,
      tie_word_embeddings: true,
    });
    expect(hfConfig(twinSpec('qwen2.5-0.5b'))).toMatchObject({
      model_type: 'qwen2',
      hidden_size: 896,
      num_hidden_layers: 24,
      intermediate_size: 4864,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      head_dim: 64,
      vocab_size: 151936,
      tie_word_embeddings: true,
    });
    for (const spec of Object.values(TWIN_SPECS)) {
      expect(spec.heads % spec.kvHeads, spec.name).toBe(0);
      expect(spec.hiddenSize % 32, spec.name).toBe(0);
      expect(spec.intermediateSize % 32, spec.name).toBe(0);
    }
  });

  it('count the published parameters: 134.5 M and 494.0 M, embeddings tied', () => {
    expect(parameterCount(twinSpec('smollm2-135m'))).toBe(134_515_008);
    expect(parameterCount(twinSpec('qwen2.5-0.5b'))).toBe(494_032_768);
    for (const spec of Object.values(TWIN_SPECS)) expect(parameterCount(spec), spec.name).toBe(spec.params);
    // Untied, SmolLM2 would carry a second 49,152 x 576 matrix: the 163 M of ENVIRONMENT.md's GGUF.
    const untied = { ...twinSpec('smollm2-135m'), tieEmbeddings: false };
    expect(parameterCount(untied)).toBe(134_515_008 + 49152 * 576);
    expect(hfTensors(untied).at(-1)).toEqual({ name: 'lm_head.weight', shape: [49152, 576], kind: 'lm_head' });
  });

  it('name tensors as Hugging Face does, Qwen2 with q/k/v biases', () => {
    const qwen = hfTensors(twinSpec('qwen2.5-0.5b')).map((t) => t.name);
    expect(qwen.slice(0, 8)).toEqual([
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.q_proj.bias',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.k_proj.bias',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.v_proj.bias',
      'model.layers.0.self_attn.o_proj.weight',
    ]);
    expect(qwen.at(-1)).toBe('model.norm.weight');
    expect(hfTensors(twinSpec('smollm2-135m')).some((t) => t.name.endsWith('.bias'))).toBe(false);
  });
});

describe('the weight source', () => {
  const spec = twinSpec('ci-small');

  it('is deterministic, whatever order tensors are read in, and differs by seed', () => {
    const a = createWeightSource(spec);
    const b = createWeightSource(spec);
    const names = a.tensors.map((t) => t.name);
    const forward = names.map((name) => a.read(name));
    const backward = [...names]
      .reverse()
      .map((name) => b.read(name))
      .reverse();
    forward.forEach((data, i) => expect(Buffer.from(data.buffer).equals(Buffer.from(backward[i]!.buffer))).toBe(true));
    const other = createWeightSource(spec, { seed: TWIN_SEED + 1 }).read(names[1]!);
    expect(Buffer.from(other.buffer).equals(Buffer.from(forward[1]!.buffer))).toBe(false);
    const streamed = [...a.stream()];
    expect(streamed.map((t) => t.name)).toEqual(names);
    expect(Array.from(streamed[3]!.data)).toEqual(Array.from(forward[3]!));
  });

  it('has the documented scale: embeddings 0.1, projections 1/sqrt(in), norms about 1, silent rows 100x smaller', () => {
    const source = createWeightSource(spec);
    const embed = source.read('model.embed_tokens.weight');
    const c = spec.hiddenSize;
    const silent = silentTokenIds(vocabLayout(spec));
    const normalRows = new Float32Array(embed.subarray(c * 300, c * 310));
    expect(std(normalRows)).toBeCloseTo(0.1, 2);
    for (const id of silent) {
      const row = embed.subarray(id * c, (id + 1) * c);
      expect(Math.max(...row.map(Math.abs))).toBeLessThanOrEqual(0.1 * Math.sqrt(3) * 0.01 + 1e-9);
    }
    expect(std(source.read('model.layers.0.mlp.down_proj.weight'))).toBeCloseTo(
      1 / Math.sqrt(spec.intermediateSize),
      3,
    );
    expect(std(source.read('model.layers.0.self_attn.q_proj.weight'))).toBeCloseTo(1 / Math.sqrt(c), 2);
    const norm = source.read('model.layers.2.input_layernorm.weight');
    expect(Math.min(...norm)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...norm)).toBeLessThanOrEqual(1.1);
  });
});

describe('the vocabulary', () => {
  it('covers every id of Qwen2’s 151,936 with the chat tokens at their real ids and ASCII filler', () => {
    const spec = twinSpec('qwen2.5-0.5b');
    const layout = vocabLayout(spec);
    const { tokens, merges } = buildVocabulary(layout);
    expect(tokens).toHaveLength(151936);
    expect(new Set(tokens).size).toBe(151936);
    expect(tokens.slice(151643, 151646)).toEqual(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
    const json = tokenizerJson(layout);
    expect(Object.keys(json.model.vocab)).toHaveLength(151936);
    // Every merge joins two tokens that exist before it; every filler token decodes to ASCII.
    const seen = new Set(layout.byteTokenIds.map((id) => tokens[id]));
    let orphans = 0;
    for (const [left, right] of merges) {
      if (!seen.has(left) || !seen.has(right)) orphans++;
      seen.add(left + right);
    }
    expect(orphans).toBe(0);
    expect(layout.fillerIds.filter((id) => !/^Ġ?[a-z]+$/.test(tokens[id]!))).toEqual([]);
  }, 30_000);
});

describe('4-bit packing', () => {
  const rows = 24;
  const cols = 96;
  const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * (1 + (i % 7)));

  it('MLC q4f32_1 decodes within half a step, eight codes per uint32 from the low bits up', () => {
    const { qWeight, qScale } = quantizeMlcQ4(data, rows, cols);
    expect(qWeight).toHaveLength((rows * cols) / 8);
    expect(qScale).toHaveLength((rows * cols) / 32);
    const decoded = dequantizeMlcQ4(qWeight, qScale, rows, cols);
    decoded.forEach((value, i) =>
      expect(Math.abs(value - data[i]!)).toBeLessThanOrEqual(qScale[Math.floor(i / 32)]! / 2 + 1e-6),
    );
    // The group's largest magnitude is exactly ±7 steps: code 0 or 14.
    const group = Array.from(data.subarray(0, 32));
    const largest = group.reduce((best, value, i) => (Math.abs(value) > Math.abs(group[best]!) ? i : best), 0);
    const code = (qWeight[largest >> 3]! >>> (4 * (largest & 7))) & 0xf;
    expect(code).toBe(group[largest]! > 0 ? 14 : 0);
  });

  it('ONNX MatMulNBits decodes within half a step (a step where the clip bites), even element in the low nibble', () => {
    const { packed, scales } = quantizeBlockQ4(data, rows, cols);
    expect(packed).toHaveLength((rows * cols) / 2);
    const decoded = dequantizeBlockQ4(packed, scales, rows, cols);
    decoded.forEach((value, i) => {
      const step = Math.abs(scales[Math.floor(i / 32)]!);
      const error = Math.abs(value - data[i]!);
      const code = (packed[i >> 1]! >> (4 * (i & 1))) & 0xf;
      // Only the top code clips (a value of the other sign than the block's largest, nearly as large).
      if (code !== 15) expect(error).toBeLessThanOrEqual(step / 2 + 1e-6);
      expect(error).toBeLessThanOrEqual(step + 1e-6);
    });
    // The value of largest magnitude maps to code 0 (scale = max / -8).
    const block = Array.from(data.subarray(32, 64));
    const largest = block.reduce((best, value, i) => (Math.abs(value) > Math.abs(block[best]!) ? i : best), 0);
    const byte = packed[(32 + largest) >> 1]!;
    expect(largest % 2 === 0 ? byte & 0xf : byte >> 4).toBe(0);
    expect(scales[1]).toBeCloseTo(block[largest]! / -8, 6);
  });

  it('refuses a row length that is not whole groups', () => {
    expect(() => quantizeMlcQ4(new Float32Array(40), 1, 40)).toThrow(/groups of 32/);
    expect(() => quantizeBlockQ4(new Float32Array(40), 1, 40)).toThrow(/groups of 32/);
  });
});

describe('writing a twin', () => {
  const out = mkdtempSync(join(tmpdir(), 'edge-llm-twins-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes each format once, stamps it, and writes it again only for another seed', () => {
    const first = writeTwin('ci-small', out);
    expect(first.map((r) => [r.format, r.skipped])).toEqual([
      ['onnx', false],
      ['mlc', false],
      ['gguf', false],
    ]);
    for (const format of ['onnx', 'mlc', 'gguf']) {
      expect(isTwinComplete(out, 'ci-small', format)).toBe(true);
      const stamp = JSON.parse(readFileSync(join(twinFolder(out, 'ci-small', format), 'twin.json'), 'utf8'));
      expect(stamp).toMatchObject({ twin: 'ci-small', format, generator: generatorDigest(), note: TWIN_NOTE });
    }
    expect(existsSync(join(twinFolder(out, 'ci-small', 'mlc'), 'resolve', 'main', 'ndarray-cache.json'))).toBe(true);
    expect(readFileSync(join(twinFolder(out, 'ci-small', 'onnx'), 'README.md'), 'utf8')).toContain(TWIN_NOTE);
    expect(writeTwin('ci-small', out).every((r) => r.skipped)).toBe(true);
    expect(isTwinComplete(out, 'ci-small', 'onnx', TWIN_SEED + 1)).toBe(false);
    expect(writeTwin('ci-small', out, { formats: ['onnx'], seed: TWIN_SEED + 1 })[0]!.skipped).toBe(false);
  });

  it('is what npm run fixtures -- --twin runs, with a summary per format', () => {
    const run = spawnSync(
      process.execPath,
      ['scripts/make-fixtures.mjs', '--twin', 'ci-small', '--formats', 'mlc', '--out', out, '--force'],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ci-small mlc: .*ci-small-mlc, [\d.]+ MB, [\d.]+ s\. 43 params in 1 shards/);
    const bad = spawnSync(process.execPath, ['scripts/make-fixtures.mjs', '--twin', 'gpt-5'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown twin "gpt-5" (there are: smollm2-135m, qwen2.5-0.5b, ci-small)');
  });
});
