/**
 * An MLC model library's own description of its weights (src/core/mlc-metadata.ts), the manifest
 * built from it, and the synthetic shards that fill it (src/core/mlc-synthetic.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_MLC_DIR, TWIN_LIBRARIES } from '../../scripts/twins/index.mjs';
import { paramBytes, readLibraryMetadata } from '../../scripts/twins/mlc-params.mjs';
import {
  MLC_SHARD_CAP_BYTES,
  MlcMetadataError,
  mlcParamBytes,
  readMlcLibraryMetadata,
  tensorCacheManifest,
  validateMetadata,
  type MlcParam,
} from '../../src/core/mlc-metadata.js';
import { syntheticShard, syntheticValues } from '../../src/core/mlc-synthetic.js';

const LIBRARY = join(SHARED_MLC_DIR, TWIN_LIBRARIES['qwen2.5-0.5b']!);
const encode = (text: string) => new TextEncoder().encode(text);

/** Library-like bytes: binary before and after the metadata string, as in a wasm data section. */
function libraryWith(metadata: string): Uint8Array {
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 7, 0x7d, 0x22, ...encode(metadata), 0, 0x7b, 0x7d]);
}

const PARAMS: MlcParam[] = [
  { name: 'a.q_weight', shape: [8, 2], dtype: 'uint32' },
  { name: 'a.q_scale', shape: [8], dtype: 'float32' },
  { name: 'norm', shape: [6], dtype: 'float16' },
  { name: 'big', shape: [40], dtype: 'float32' },
];

describe('reading the metadata from library bytes', () => {
  it('reads the JSON object to its own closing brace, braces and quotes in strings included', () => {
    const json = JSON.stringify({ model_type: 'qwen2', note: 'a "}" {', params: PARAMS });
    const metadata = readMlcLibraryMetadata(libraryWith(json));
    expect(metadata.model_type).toBe('qwen2');
    expect(metadata.note).toBe('a "}" {');
    expect(metadata.params).toEqual(PARAMS);
  });

  it('names what is missing or wrong', () => {
    expect(() => readMlcLibraryMetadata(new Uint8Array([0, 0x61, 0x73, 0x6d]))).toThrow(/no MLC model metadata/);
    expect(() => readMlcLibraryMetadata(libraryWith('{"model_type": "x", "params": [').slice(0, -3))).toThrow(
      /never ends/,
    );
    const bad = (params: unknown) => () => validateMetadata({ model_type: 'qwen2', params });
    expect(bad([])).toThrow(/metadata\.params: expected a non-empty list/);
    expect(bad([{ name: '', shape: [1], dtype: 'float32' }])).toThrow(/params\[0\]\.name/);
    expect(bad([{ name: 'w', shape: [2, 0], dtype: 'float32' }])).toThrow(/params\[0\]\.shape \(w\)/);
    expect(bad([PARAMS[0], { name: 'w', shape: [1.5], dtype: 'float32' }])).toThrow(/params\[1\]\.shape/);
    expect(bad([{ name: 'w', shape: [2], dtype: 'bfloat16' }])).toThrow(/params\[0\]\.dtype \(w\): "bfloat16"/);
    expect(() => validateMetadata({ params: PARAMS })).toThrow(/metadata\.model_type/);
    expect(() => readMlcLibraryMetadata(libraryWith('{"model_type": "x", "params": [1]}'))).toThrow(MlcMetadataError);
  });
});

describe('the tensor-cache manifest', () => {
  it('lays the weights out in load order, closing a shard before it passes the cap', () => {
    const manifest = tensorCacheManifest(PARAMS, 100);
    expect(manifest.metadata).toEqual({ ParamSize: 4, ParamBytes: 64 + 32 + 12 + 160 });
    expect(manifest.records.map((shard) => [shard.dataPath, shard.nbytes])).toEqual([
      ['params_shard_0.bin', 64 + 32],
      ['params_shard_1.bin', 12],
      ['params_shard_2.bin', 160],
    ]);
    expect(manifest.records[0]!.records.map((r) => [r.name, r.byteOffset, r.nbytes, r.format])).toEqual([
      ['a.q_weight', 0, 64, 'raw'],
      ['a.q_scale', 64, 32, 'raw'],
    ]);
    expect(manifest.records.every((shard) => shard.format === 'raw-shard')).toBe(true);
  });
});

describe('synthetic shards', () => {
  it('fills each weight with small finite values of its dtype at its offset', () => {
    const manifest = tensorCacheManifest(PARAMS);
    const shard = manifest.records[0]!;
    const bytes = syntheticShard(shard);
    expect(bytes.byteLength).toBe(shard.nbytes);
    const view = new DataView(bytes.buffer);
    const floats = shard.records.find((r) => r.name === 'a.q_scale')!;
    for (let i = 0; i < floats.nbytes; i += 4) {
      const value = view.getFloat32(floats.byteOffset + i, true);
      expect(Number.isFinite(value) && Math.abs(value) <= 0.03).toBe(true);
    }
    const halves = shard.records.find((r) => r.name === 'norm')!;
    for (let i = 0; i < halves.nbytes; i += 2) {
      const exponent = (view.getUint16(halves.byteOffset + i, true) >> 10) & 31;
      expect(exponent).toBe(7);
    }
    const words = new Set<number>();
    for (let i = 0; i < 64; i += 4) words.add(view.getUint32(i, true));
    expect(words.size).toBeGreaterThan(8);
  });

  it('makes int32 values in [0, 16)', () => {
    const view = new DataView(syntheticValues('int32', 400).buffer);
    for (let i = 0; i < 400; i += 4) expect(view.getInt32(i, true)).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 400; i += 4) expect(view.getInt32(i, true)).toBeLessThan(16);
  });
});

describe('the real Qwen2-0.5B q4f32_1 library (../shared/artifacts/mlc)', () => {
  const library = new Uint8Array(readFileSync(LIBRARY));

  it('gives the same weights, and the same bytes, as the twin generator reads from it', () => {
    const metadata = readMlcLibraryMetadata(library);
    const reference = readLibraryMetadata(LIBRARY);
    expect(metadata.model_type).toBe('qwen2');
    expect(metadata.params).toEqual(reference.params);
    expect(metadata.params).toHaveLength(267);
    const ours = metadata.params.reduce((sum, param) => sum + mlcParamBytes(param), 0);
    const theirs = reference.params.reduce((sum, param) => sum + paramBytes(param), 0);
    expect(ours).toBe(theirs);
    expect(ours).toBe(309_011_968);

    const manifest = tensorCacheManifest(metadata.params);
    expect(manifest.metadata).toEqual({ ParamSize: 267, ParamBytes: ours });
    expect(manifest.records.reduce((sum, shard) => sum + shard.nbytes, 0)).toBe(ours);
    const oversized = manifest.records.filter((shard) => shard.nbytes > MLC_SHARD_CAP_BYTES);
    expect(oversized.every((shard) => shard.records.length === 1)).toBe(true);
    expect(manifest.records.flatMap((shard) => shard.records.map((r) => r.name))).toEqual(
      metadata.params.map((p) => p.name),
    );
  });
});
