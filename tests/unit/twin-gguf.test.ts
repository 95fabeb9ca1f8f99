/**
 * The GGUF twin (scripts/twins/gguf-writer.mjs): llama.cpp's names and shapes, the exact fp32
 * values of the shared weight source, and the q/k row permutation that makes llama.cpp's
 * adjacent-pair rotary compute what Hugging Face's half-split rotary computes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeQ4_0 } from '../../scripts/gguf/quantize.mjs';
import { ggufFileName, ggufTensorName, permuteForRope, writeGgufTwin } from '../../scripts/twins/gguf-writer.mjs';
import { twinSpec, TWIN_NOTE } from '../../scripts/twins/spec.mjs';
import { createWeightSource } from '../../scripts/twins/weights.mjs';
import { GGML_TYPES, parseGgufHeader, tensorBytes, type GgufHeader } from '../../src/core/gguf.js';

/** Rotates pairs (i, i + half) of each head: Hugging Face's rotate_half. */
function rotateHalfSplit(x: Float32Array, headDim: number, angle: (pair: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  const half = headDim / 2;
  for (let head = 0; head < x.length / headDim; head++) {
    for (let j = 0; j < half; j++) {
      const [a, b] = [x[head * headDim + j]!, x[head * headDim + j + half]!];
      const [c, s] = [Math.cos(angle(j)), Math.sin(angle(j))];
      out[head * headDim + j] = a * c - b * s;
      out[head * headDim + j + half] = b * c + a * s;
    }
  }
  return out;
}

/** Rotates adjacent pairs (2j, 2j + 1) of each head: llama.cpp's llama architecture. */
function rotateAdjacent(x: Float32Array, headDim: number, angle: (pair: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let head = 0; head < x.length / headDim; head++) {
    for (let j = 0; j < headDim / 2; j++) {
      const at = head * headDim + 2 * j;
      const [a, b] = [x[at]!, x[at + 1]!];
      const [c, s] = [Math.cos(angle(j)), Math.sin(angle(j))];
      out[at] = a * c - b * s;
      out[at + 1] = b * c + a * s;
    }
  }
  return out;
}

describe('the rotary permutation', () => {
  it('interleaves each head’s halves', () => {
    const rows = Float32Array.from({ length: 8 }, (_, i) => i);
    expect(Array.from(permuteForRope(rows, 8, 1, 2))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    expect(() => permuteForRope(new Float32Array(6), 6, 1, 2)).toThrow(/even size/);
  });

  it('makes the adjacent-pair rotation of the permuted rows the permuted half-split rotation', () => {
    const headDim = 8;
    const heads = 3;
    const x = Float32Array.from({ length: heads * headDim }, (_, i) => Math.sin(i * 1.7) * 2);
    const angle = (pair: number) => 5 * 10000 ** (-(2 * pair) / headDim);
    const huggingFace = rotateHalfSplit(x, headDim, angle);
    const llamaCpp = rotateAdjacent(permuteForRope(x, heads * headDim, 1, heads), headDim, angle);
    const expected = permuteForRope(huggingFace, heads * headDim, 1, heads);
    for (let i = 0; i < x.length; i++) expect(llamaCpp[i]).toBeCloseTo(expected[i]!, 5);
  });
});

describe('the GGUF twin (ci-small)', () => {
  const spec = twinSpec('ci-small');
  const source = createWeightSource(spec);
  let dir: string;
  const headers = new Map<string, { header: GgufHeader; bytes: Uint8Array }>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twin-gguf-'));
    for (const { type, file } of writeGgufTwin(dir, source)) {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      headers.set(type, { header: parseGgufHeader(bytes), bytes });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes F32, Q8_0 and Q4_0 files with the model’s shapes under llama.cpp’s keys', () => {
    expect([...headers.keys()]).toEqual(['F32', 'Q8_0', 'Q4_0']);
    expect(ggufFileName('ci-small', 'Q8_0')).toBe('ci-small-q8_0.gguf');
    const { metadata, tensors } = headers.get('F32')!.header;
    expect(metadata).toMatchObject({
      'general.architecture': 'llama',
      'llama.block_count': spec.layers,
      'llama.embedding_length': spec.hiddenSize,
      'llama.feed_forward_length': spec.intermediateSize,
      'llama.attention.head_count': spec.heads,
      'llama.attention.head_count_kv': spec.kvHeads,
      'tokenizer.ggml.model': 'gpt2',
    });
    expect(String(metadata['general.description'])).toContain(TWIN_NOTE);
    expect((metadata['tokenizer.ggml.tokens'] as string[]).length).toBe(spec.vocabSize);
    // Tied embeddings: no output.weight, llama.cpp reuses token_embd.
    expect(tensors.map((t) => t.name)).not.toContain('output.weight');
    expect(tensors.find((t) => t.name === 'blk.0.attn_k.weight')!.shape).toEqual([
      spec.hiddenSize,
      spec.kvHeads * spec.headDim,
    ]);
    expect(tensors).toHaveLength(source.tensors.length);
  });

  it('quantizes the matrices only, and Q4_0 from the same fp32 source', () => {
    for (const [type, { header, bytes }] of headers) {
      for (const tensor of header.tensors) {
        const name = GGML_TYPES[tensor.type]!.name;
        expect(name).toBe(tensor.shape.length === 2 ? type : 'F32');
      }
      if (type !== 'Q4_0') continue;
      const up = header.tensors.find((t) => t.name === 'blk.1.ffn_up.weight')!;
      const start = header.dataOffset + up.offset;
      expect(bytes.slice(start, start + tensorBytes(up)!)).toEqual(
        quantizeQ4_0(source.read('model.layers.1.mlp.up_proj.weight')),
      );
    }
  });

  it('holds exactly the source’s fp32 values, q and k rows permuted for llama.cpp’s rotary', () => {
    const { header, bytes } = headers.get('F32')!;
    const stored = (hfName: string) => {
      const tensor = header.tensors.find((t) => t.name === ggufTensorName(hfName))!;
      const start = header.dataOffset + tensor.offset;
      return Buffer.from(bytes.subarray(start, start + tensorBytes(tensor)!));
    };
    // Byte for byte (a float32 comparison of half a million values element by element is slow).
    const same = (hfName: string, values: Float32Array) =>
      stored(hfName).equals(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    for (const name of ['model.layers.2.mlp.down_proj.weight', 'model.embed_tokens.weight', 'model.norm.weight']) {
      expect(same(name, source.read(name)), name).toBe(true);
    }
    const q = source.read('model.layers.0.self_attn.q_proj.weight');
    expect(
      same(
        'model.layers.0.self_attn.q_proj.weight',
        permuteForRope(q, spec.heads * spec.headDim, spec.hiddenSize, spec.heads),
      ),
    ).toBe(true);
    expect(same('model.layers.0.self_attn.q_proj.weight', q)).toBe(false);
  });
});
