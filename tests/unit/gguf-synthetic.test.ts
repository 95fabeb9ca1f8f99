/**
 * Synthetic GGUF weights (src/core/gguf-synthetic.ts): the real header, then random finite data of
 * every tensor's own type and size, in a file of the real file's size.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGgufTwin } from '../../scripts/twins/gguf-writer.mjs';
import { twinSpec } from '../../scripts/twins/spec.mjs';
import { createWeightSource } from '../../scripts/twins/weights.mjs';
import { checkGgufFile, GGML_TYPES, parseGgufHeader, tensorBytes } from '../../src/core/gguf.js';
import {
  SYNTHETIC_TYPES,
  syntheticBlocks,
  syntheticGgufParts,
  SyntheticWeightsError,
} from '../../src/core/gguf-synthetic.js';

/** IEEE half to float. */
function half(bits: number): number {
  const exponent = (bits >> 10) & 31;
  const value = exponent === 0 ? ((bits & 1023) / 1024) * 2 ** -14 : (1 + (bits & 1023) / 1024) * 2 ** (exponent - 15);
  if (exponent === 31) return NaN;
  return bits >> 15 ? -value : value;
}

const SCALE_AT: Record<string, number[]> = {
  Q4_0: [0],
  Q8_0: [0],
  Q4_K: [0, 2],
  Q6_K: [208],
  Q3_K: [108],
  Q2_K: [80, 82],
};

describe('synthetic blocks', () => {
  it('gives every block type a small finite scale, and F32 small finite values', () => {
    for (const [type, offsets] of Object.entries(SCALE_AT)) {
      const size = Object.values(GGML_TYPES).find((t) => t.name === type)!.bytes!;
      const bytes = syntheticBlocks(type, 64, 3);
      expect(bytes.length).toBe(64 * size);
      const view = new DataView(bytes.buffer);
      for (let block = 0; block < 64; block++) {
        for (const at of offsets) {
          const scale = Math.abs(half(view.getUint16(block * size + at, true)));
          expect(scale, type).toBeGreaterThanOrEqual(2 ** -8);
          expect(scale, type).toBeLessThan(2 ** -7);
        }
      }
    }
    const floats = new Float32Array(syntheticBlocks('F32', 1000).buffer);
    expect(floats.every((v) => Number.isFinite(v) && Math.abs(v) <= 0.03)).toBe(true);
    expect(new Set(floats).size).toBeGreaterThan(990);
    const halves = new Uint16Array(syntheticBlocks('F16', 1000).buffer);
    expect([...halves].every((bits) => Number.isFinite(half(bits)) && Math.abs(half(bits)) < 2 ** -7)).toBe(true);
  });

  it('refuses types whose layout it does not know', () => {
    expect(SYNTHETIC_TYPES).toContain('Q4_K');
    expect(() => syntheticBlocks('IQ2_XXS', 1)).toThrow(SyntheticWeightsError);
  });
});

describe('a synthetic GGUF file', () => {
  let dir: string;
  let file: Uint8Array;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gguf-synthetic-'));
    const source = createWeightSource(twinSpec('ci-small'));
    const [written] = writeGgufTwin(dir, source, { types: ['Q4_0'] });
    file = new Uint8Array(readFileSync(join(dir, written!.file)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the real header and size, from the header bytes alone, and other tensor data', async () => {
    const header = parseGgufHeader(file.subarray(0, 1 << 20), file.length);
    const headerBytes = file.slice(0, header.dataOffset);
    const parts = syntheticGgufParts(header, headerBytes, file.length);
    const synthetic = new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
    expect(synthetic.length).toBe(file.length);
    expect(synthetic.subarray(0, header.dataOffset)).toEqual(headerBytes);
    const back = parseGgufHeader(synthetic);
    expect(back.tensors).toEqual(header.tensors);
    expect(checkGgufFile(back, synthetic.length)).toBe(checkGgufFile(header, file.length));
    const up = header.tensors.find((t) => t.name === 'blk.0.ffn_up.weight')!;
    const start = header.dataOffset + up.offset;
    const size = tensorBytes(up)!;
    expect(synthetic.subarray(start, start + size)).not.toEqual(file.subarray(start, start + size));
    // Its first block's scale is one of ours: small and finite.
    expect(Math.abs(half(synthetic[start]! | (synthetic[start + 1]! << 8)))).toBeLessThan(2 ** -7);
  });

  it('refuses a header that was not read to its end', () => {
    const header = parseGgufHeader(file.subarray(0, 1 << 20), file.length);
    expect(() => syntheticGgufParts(header, file.subarray(0, 100), file.length)).toThrow(/not read to its end/);
  });
});
