/**
 * The ONNX twin computes the model it claims to: the small CI twin's graphs, run by ONNX Runtime
 * (onnxruntime-web's WASM backend, in Node), give the logits of a plain reference forward pass
 * written from Hugging Face's modelling code, with and without a KV cache; the q4 graph gives the
 * logits of the same pass on the dequantized 4-bit weights. Also: the folder is laid out like the
 * hub's exports, and every tensor sits in external data.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOnnxTwin, type WrittenOnnx } from '../../scripts/twins/onnx-writer.mjs';
import { dequantizeBlockQ4, quantizeBlockQ4 } from '../../scripts/twins/quantize.mjs';
import { twinSpec, type TwinSpec } from '../../scripts/twins/spec.mjs';
import { createWeightSource } from '../../scripts/twins/weights.mjs';
import { referenceLogits } from './twin-reference.js';

const spec = twinSpec('ci-small');
const source = createWeightSource(spec);
/** The same size with Qwen2's q/k/v biases, so the biased graph is checked too. */
const qwenSpec: TwinSpec = { ...spec, name: 'ci-small-qwen2', architecture: 'qwen2', attentionBias: true };
const IDS = [1, 300, 301, 1999, 42, 2, 900, 77, 3001, 512, 513, 40];
let dir: string;
let qwenDir: string;
let written: WrittenOnnx[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-llm-twin-onnx-'));
  written = writeOnnxTwin(dir, source);
  qwenDir = mkdtempSync(join(tmpdir(), 'edge-llm-twin-onnx-'));
  writeOnnxTwin(qwenDir, createWeightSource(qwenSpec), { variants: ['fp32'] });
  ort.env.wasm.numThreads = 1;
});
afterAll(() => [dir, qwenDir].forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function session(file: string, folder = dir): Promise<ort.InferenceSession> {
  const onnxDir = join(folder, 'onnx');
  return ort.InferenceSession.create(readFileSync(join(onnxDir, file)), {
    executionProviders: ['wasm'],
    externalData: [{ path: `${file}_data`, data: readFileSync(join(onnxDir, `${file}_data`)) }],
  });
}

/** Runs `ids` after a cache of `past` (null: empty), returning logits rows and the new cache. */
async function run(
  model: ort.InferenceSession,
  ids: number[],
  past: Record<string, ort.Tensor> | null,
  pastLength: number,
) {
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + ids.length).fill(1n), [
      1,
      pastLength + ids.length,
    ]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (_, i) => BigInt(pastLength + i)),
      [1, ids.length],
    ),
  };
  for (let l = 0; l < spec.layers; l++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kind}`] =
        past?.[`present.${l}.${kind}`] ??
        new ort.Tensor('float32', new Float32Array(0), [1, spec.kvHeads, 0, spec.headDim]);
    }
  }
  const out = await model.run(feeds);
  const logits = out.logits!.data as Float32Array;
  const rows = ids.map((_, s) => logits.subarray(s * spec.vocabSize, (s + 1) * spec.vocabSize));
  return { rows, cache: out };
}

/** Largest difference between two logit rows, relative to the reference row's spread. */
function relativeError(actual: Float32Array, expected: Float64Array): number {
  let maxDiff = 0;
  let sumSq = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    sumSq += expected[i]! ** 2;
  }
  return maxDiff / Math.sqrt(sumSq / expected.length);
}

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
};

describe('the ONNX twin (ci-small)', () => {
  it('is laid out like a hub export: graph in the .onnx file, weights in .onnx_data, hub operators', () => {
    expect(readdirSync(join(dir, 'onnx')).sort()).toEqual([
      'model.onnx',
      'model.onnx_data',
      'model_q4.onnx',
      'model_q4.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config['transformers.js_config'].use_external_data_format).toEqual({ 'model.onnx': 1, 'model_q4.onnx': 1 });
    expect(config.edge_llm_twin.note).toBe('synthetic weights: speed only, no quality');
    const [fp32, q4] = written;
    expect(fp32!.opTypes).toEqual(
      expect.arrayContaining([
        'GroupQueryAttention',
        'RotaryEmbedding',
        'SimplifiedLayerNormalization',
        'SkipSimplifiedLayerNormalization',
        'MatMul',
      ]),
    );
    expect(fp32!.opTypes).not.toContain('MatMulNBits');
    expect(q4!.opTypes).toContain('MatMulNBits');
    expect(q4!.opTypes).not.toContain('MatMul');
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'onnx', 'model_q4.onnx')));
    const inline = model.graph!.initializer!.filter(
      (t) => t.dataLocation !== onnxProto.onnx.TensorProto.DataLocation.EXTERNAL,
    );
    // Only the constants of the attention-mask subgraph and the Q/K/V split sizes stay in the graph.
    expect(inline.map((t) => t.name)).toEqual([
      '/model/constants/INT64/[1]',
      '/model/constants/INT64/1',
      '/model/constants/INT64/qkv_split',
    ]);
    const gqa = model.graph!.node!.find((node) => node.opType === 'GroupQueryAttention')!;
    expect(gqa.domain).toBe('com.microsoft');
    expect(Object.fromEntries(gqa.attribute!.map((a) => [a.name, Number(String(a.i ?? a.f))]))).toMatchObject({
      num_heads: spec.heads,
      kv_num_heads: spec.kvHeads,
      // The rotary runs in RotaryEmbedding nodes before it, as the builder exports for WebGPU.
      do_rotary: 0,
    });
    const rotary = model.graph!.node!.filter((node) => node.opType === 'RotaryEmbedding');
    expect(rotary).toHaveLength(2 * spec.layers);
    expect(rotary.every((node) => node.domain === 'com.microsoft' && node.input![1] === 'position_ids')).toBe(true);
  });

  it('fp32 gives the reference logits, in one pass and token by token through the KV cache', async () => {
    const expected = referenceLogits(source, IDS);
    const model = await session('model.onnx');
    const whole = await run(model, IDS, null, 0);
    whole.rows.forEach((row, s) => {
      console.log('fp32', relativeError(row, expected[s]!));
      expect(relativeError(row, expected[s]!)).toBeLessThan(1e-4);
    });
    expect(whole.rows.map(argmax)).toEqual(expected.map(argmax));

    const first = await run(model, IDS.slice(0, 8), null, 0);
    let cache = first.cache;
    for (let s = 8; s < IDS.length; s++) {
      const step = await run(model, [IDS[s]!], cache, s);
      expect(relativeError(step.rows[0]!, expected[s]!)).toBeLessThan(1e-4);
      cache = step.cache;
    }
    // The picks are not one token repeated, nor the input token echoed.
    expect(new Set(expected.map(argmax)).size).toBeGreaterThan(IDS.length / 2);
    expect(expected.map(argmax).filter((id, s) => id === IDS[s]).length).toBeLessThan(IDS.length / 2);
  });

  it('q4 gives the reference logits of the dequantized 4-bit weights', async () => {
    const decoded = (_name: string, data: Float32Array, rows: number, cols: number) => {
      const { packed, scales } = quantizeBlockQ4(data, rows, cols);
      return dequantizeBlockQ4(packed, scales, rows, cols);
    };
    const expected = referenceLogits(source, IDS, decoded);
    const fp32 = referenceLogits(source, IDS);
    const model = await session('model_q4.onnx');
    const { rows } = await run(model, IDS, null, 0);
    rows.forEach((row, s) => {
      // Accuracy level 4 lets ONNX Runtime's CPU kernel quantize activations to 8 bits: a little
      // noise, far below what a wrong nibble order or scale would give (errors of order 1).
      const error = relativeError(row, expected[s]!);
      console.log('q4', error, relativeError(row, fp32[s]!));
      expect(error).toBeLessThan(0.05);
      expect(error).toBeLessThan(relativeError(row, fp32[s]!));
    });
  });
});

describe('a Qwen2-style twin (q/k/v biases)', () => {
  it('fp32 gives the reference logits, the packed bias included', async () => {
    const qwenSource = createWeightSource(qwenSpec);
    expect(qwenSource.tensors.filter((t) => t.kind === 'bias')).toHaveLength(3 * qwenSpec.layers);
    const expected = referenceLogits(qwenSource, IDS);
    const { rows } = await run(await session('model.onnx', qwenDir), IDS, null, 0);
    rows.forEach((row, s) => expect(relativeError(row, expected[s]!)).toBeLessThan(1e-4));
  });
});
