/**
 * The GGUF writer (scripts/gguf/) read back by the header parser (src/core/gguf.ts), and its
 * quantizers checked against a dequantization written here from the block layouts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGguf, gguf, writeGguf } from '../../scripts/gguf/writer.mjs';
import { quantizeQ4_0, quantizeQ8_0, toHalfBits } from '../../scripts/gguf/quantize.mjs';
import { tinyLlamaModel, writeTinyGgufFixtures } from '../../scripts/gguf/tiny-llama.mjs';
import { ensureFixtures, FIXTURES_DIR } from '../support/fixtures.js';
import {
  checkGgufFile,
  dominantType,
  GgufError,
  ggufKvBytesPerToken,
  NeedMoreBytes,
  parseGgufHeader,
  tensorBytes,
} from '../../src/core/gguf.js';

/** IEEE half to float, from the definition (sign, 5-bit exponent, 10-bit fraction). */
function half(bits: number): number {
  const sign = bits >> 15 ? -1 : 1;
  const exponent = (bits >> 10) & 31;
  const fraction = bits & 1023;
  if (exponent === 0) return sign * (fraction / 1024) * 2 ** -14;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function dequantizeQ8_0(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let block = 0; block < bytes.length / 34; block++) {
    const d = half(view.getUint16(block * 34, true));
    for (let j = 0; j < 32; j++) out.push(view.getInt8(block * 34 + 2 + j) * d);
  }
  return out;
}

function dequantizeQ4_0(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let block = 0; block < bytes.length / 18; block++) {
    const d = half(view.getUint16(block * 18, true));
    const values = new Array<number>(32);
    for (let j = 0; j < 16; j++) {
      const byte = bytes[block * 18 + 2 + j]!;
      values[j] = ((byte & 15) - 8) * d;
      values[j + 16] = ((byte >> 4) - 8) * d;
    }
    out.push(...values);
  }
  return out;
}

function randomValues(count: number, seed: number, scale = 1): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * scale;
  });
}

describe('half floats', () => {
  it('rounds to the nearest half, ties to even', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(2 ** -26)).toBe(0);
  });
});

describe('quantizers', () => {
  const values = randomValues(32 * 64, 7, 3);

  // The scale is stored as a half float, so a value can land up to |q| rounding errors of the
  // scale (2^-11 relative each) beyond half a step.
  it('Q8_0 reads back within half a step of each block scale', () => {
    const bytes = quantizeQ8_0(values);
    expect(bytes.length).toBe(64 * 34);
    const back = dequantizeQ8_0(bytes);
    for (let block = 0; block < 64; block++) {
      const slice = values.subarray(block * 32, block * 32 + 32);
      const step = Math.max(...slice.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) {
        expect(Math.abs(back[block * 32 + j]! - slice[j]!)).toBeLessThanOrEqual(step * (0.5 + 127 * 2 ** -11));
      }
    }
  });

  it('Q4_0 stores the largest-magnitude value as -8 steps and every value at the nearest of its 16 levels', () => {
    const bytes = quantizeQ4_0(values);
    expect(bytes.length).toBe(64 * 18);
    const back = dequantizeQ4_0(bytes);
    for (let block = 0; block < 64; block++) {
      const slice = Array.from(values.subarray(block * 32, block * 32 + 32));
      const extreme = slice.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      const step = Math.abs(extreme) / 8;
      const at = slice.indexOf(extreme);
      expect(back[block * 32 + at]).toBeCloseTo(extreme, 2);
      // Levels are -8..7 steps of d = extreme / -8: the side opposite the extreme stops at 7.
      const d = extreme / -8;
      for (let j = 0; j < 32; j++) {
        let nearest = Infinity;
        for (let k = -8; k <= 7; k++) nearest = Math.min(nearest, Math.abs(k * d - slice[j]!));
        expect(Math.abs(back[block * 32 + j]! - slice[j]!)).toBeLessThanOrEqual(nearest + step * 8 * 2 ** -11);
      }
    }
  });

  it('quantizes a zero block to zeros and refuses rows that are not whole blocks', () => {
    expect(dequantizeQ8_0(quantizeQ8_0(new Float32Array(32))).every((v) => v === 0)).toBe(true);
    expect(dequantizeQ4_0(quantizeQ4_0(new Float32Array(32))).every((v) => v === 0)).toBe(true);
    expect(() => quantizeQ4_0(new Float32Array(33))).toThrow(/multiple of 32/);
  });
});

describe('GGUF writer and header parser', () => {
  const model = {
    metadata: {
      'general.architecture': 'llama',
      'general.alignment': 32,
      'test.negative': -3,
      'test.float': gguf.f32(0.5),
      'test.u64': gguf.u64(2 ** 40),
      'test.bool': true,
      'test.strings': ['a', 'é', ''],
      'test.ints': gguf.array('i32', [1, -2, 3]),
    },
    tensors: [
      { name: 'a', shape: [32, 3], type: 'F32' as const, data: randomValues(96, 1) },
      { name: 'b', shape: [64, 2], type: 'Q8_0' as const, data: randomValues(128, 2) },
      { name: 'c', shape: [32], type: 'Q4_0' as const, data: () => randomValues(32, 3) },
    ],
  };

  it('round-trips metadata, value types and the tensor table', () => {
    const bytes = encodeGguf(model);
    const header = parseGgufHeader(bytes);
    expect(header.version).toBe(3);
    expect(header.metadata).toEqual({
      'general.architecture': 'llama',
      'general.alignment': 32,
      'test.negative': -3,
      'test.float': 0.5,
      'test.u64': 2 ** 40,
      'test.bool': true,
      'test.strings': ['a', 'é', ''],
      'test.ints': [1, -2, 3],
    });
    expect(header.metadataTypes).toMatchObject({
      'general.alignment': 4,
      'test.negative': 5,
      'test.float': 6,
      'test.bool': 7,
      'test.strings': 9,
      'test.u64': 10,
    });
    expect(header.tensors.map(({ name, shape, type }) => ({ name, shape, type }))).toEqual([
      { name: 'a', shape: [32, 3], type: 0 },
      { name: 'b', shape: [64, 2], type: 8 },
      { name: 'c', shape: [32], type: 2 },
    ]);
    expect(header.dataOffset % 32).toBe(0);
    for (const tensor of header.tensors) expect(tensor.offset % 32).toBe(0);
    expect(header.tensors.map(tensorBytes)).toEqual([384, 136, 18]);
    expect(checkGgufFile(header, bytes.length)).toBe(384 + 136 + 18);
    expect(bytes.length).toBe(header.dataOffset + 384 + 160 + 18 + 14);
  });

  it('stores tensor data where the table says, in the stated format', () => {
    const bytes = encodeGguf(model);
    const header = parseGgufHeader(bytes);
    const a = header.tensors[0]!;
    const start = header.dataOffset + a.offset;
    const floats = new Float32Array(bytes.slice(start, start + 384).buffer);
    expect(Array.from(floats)).toEqual(Array.from(model.tensors[0]!.data as Float32Array));
    const b = header.tensors[1]!;
    const q8 = bytes.slice(header.dataOffset + b.offset, header.dataOffset + b.offset + 136);
    expect(q8).toEqual(quantizeQ8_0(model.tensors[1]!.data as Float32Array));
  });

  it('writes the same bytes to a file as it encodes in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
    try {
      const path = join(dir, 'model.gguf');
      const size = writeGguf(path, model);
      const file = new Uint8Array(readFileSync(path));
      expect(size).toBe(file.length);
      expect(file).toEqual(encodeGguf(model));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('asks for more bytes when the header runs past a partial read', () => {
    const bytes = encodeGguf(model);
    expect(() => parseGgufHeader(bytes.slice(0, 40), bytes.length)).toThrow(NeedMoreBytes);
  });
});

describe('tiny GGUF fixtures', () => {
  let dir: string;
  const files = new Map<string, Uint8Array>();
  let tokenizer: unknown;

  beforeAll(() => {
    ensureFixtures();
    tokenizer = JSON.parse(readFileSync(join(FIXTURES_DIR, 'mlc-tiny', 'resolve', 'main', 'tokenizer.json'), 'utf8'));
    dir = mkdtempSync(join(tmpdir(), 'gguf-fixtures-'));
    writeTinyGgufFixtures(dir, {
      tokenizer,
      write: (path, data) => files.set(path.slice(dir.length + 1), typeof data === 'string' ? Buffer.from(data) : data),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  it('writes the three tiny models and five broken files', () => {
    expect([...files.keys()].sort()).toEqual([
      'gguf-bad/bad-magic.gguf',
      'gguf-bad/truncated.gguf',
      'gguf-bad/unknown-arch.gguf',
      'gguf-bad/unknown-quant.gguf',
      'gguf-bad/utf8-trap.gguf',
      'gguf-tiny/edge-tiny-f32.gguf',
      'gguf-tiny/edge-tiny-q4_0.gguf',
      'gguf-tiny/edge-tiny-q8_0-split-00001-of-00002.gguf',
      'gguf-tiny/edge-tiny-q8_0-split-00002-of-00002.gguf',
      'gguf-tiny/edge-tiny-q8_0.gguf',
    ]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['gguf-bad', 'gguf-tiny']));
  });

  it('describes a llama with a GPT-2 byte-level tokenizer, alignment 32, in each format', () => {
    for (const [file, type, fileType] of [
      ['edge-tiny-f32', 'F32', 0],
      ['edge-tiny-q8_0', 'Q8_0', 7],
      ['edge-tiny-q4_0', 'Q4_0', 2],
    ] as const) {
      const bytes = files.get(`gguf-tiny/${file}.gguf`)!;
      const header = parseGgufHeader(bytes);
      checkGgufFile(header, bytes.length);
      expect(header.metadata['general.architecture']).toBe('llama');
      expect(header.metadata['general.alignment']).toBe(32);
      expect(header.metadata['general.file_type']).toBe(fileType);
      expect(header.metadata['tokenizer.ggml.model']).toBe('gpt2');
      expect((header.metadata['tokenizer.ggml.tokens'] as string[]).length).toBe(264);
      expect(dominantType(header)).toBe(type);
      // Norms stay F32 in every format, as llama.cpp's own quantizer keeps them.
      expect(header.tensors.find((t) => t.name === 'output_norm.weight')?.type).toBe(0);
      // 4 layers x 2 KV heads x (16 + 16) x 2 bytes.
      expect(ggufKvBytesPerToken(header.metadata)).toBe(4 * 2 * 32 * 2);
    }
  });

  it('splits a model as gguf-split does: all metadata first, every tensor once, split keys in each part', () => {
    const parts = ['00001', '00002'].map((n) => {
      const bytes = files.get(`gguf-tiny/edge-tiny-q8_0-split-${n}-of-00002.gguf`)!;
      const header = parseGgufHeader(bytes);
      checkGgufFile(header, bytes.length);
      return header;
    });
    const whole = parseGgufHeader(files.get('gguf-tiny/edge-tiny-q8_0.gguf')!);
    expect(parts.map((p) => p.metadata['split.no'])).toEqual([0, 1]);
    expect(parts.every((p) => p.metadata['split.count'] === 2)).toBe(true);
    expect(parts[0]!.metadata['split.tensors.count']).toBe(whole.tensors.length);
    expect(parts[0]!.metadata['general.architecture']).toBe('llama');
    expect(parts[1]!.metadata['general.architecture']).toBeUndefined();
    expect(parts.flatMap((p) => p.tensors.map((t) => t.name))).toEqual(whole.tensors.map((t) => t.name));
  });

  it('can never pick a lone byte >= 0x80 or a control token: their output rows only subtract', () => {
    const model = tinyLlamaModel(tokenizer, 'F32');
    const output = model.tensors.find((t) => t.name === 'output.weight')!;
    const data = output.data as Float32Array;
    const width = output.shape[0]!;
    const tokens = model.metadata['tokenizer.ggml.tokens'] as string[];
    // "Ā".."Ġ" stand for bytes 0-32; 0x80-0xff are the high characters of GPT-2's byte map.
    expect(model.forbidden.size).toBe(128 + 3);
    for (const token of model.forbidden) {
      const row = data.subarray(token * width, (token + 1) * width);
      expect(row[0]).toBeLessThan(-10);
      expect(row.subarray(1).every((v) => v === 0)).toBe(true);
    }
    expect(model.forbidden.has(tokens.indexOf('~'))).toBe(false);
    expect(model.forbidden.has(tokens.indexOf('ÿ'))).toBe(true);
  });

  it('breaks each bad file in exactly one way', () => {
    const parse = (name: string) => {
      const bytes = files.get(`gguf-bad/${name}.gguf`)!;
      const header = parseGgufHeader(bytes);
      checkGgufFile(header, bytes.length);
      return header;
    };
    const problem = (name: string) => {
      try {
        parse(name);
      } catch (error) {
        return error instanceof GgufError ? error.problem : String(error);
      }
      return 'none';
    };
    expect(problem('bad-magic')).toBe('bad-magic');
    expect(problem('truncated')).toBe('truncated');
    expect(problem('unknown-quant')).toBe('unsupported-type');
    expect(problem('unknown-arch')).toBe('none');
    expect(parse('unknown-arch').metadata['general.architecture']).toBe('zorba');
    expect(problem('utf8-trap')).toBe('none');
  });
});
