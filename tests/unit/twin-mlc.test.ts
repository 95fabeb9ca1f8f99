/**
 * The MLC (web-llm) twin: its weights are exactly the ones the real Qwen2-0.5B model library in
 * ../shared/artifacts/mlc loads (names, shapes, dtypes and byte sizes, in load order), quantized
 * q4f32_1 from the twin's float32 source, in shards the manifest describes byte for byte.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_MLC_DIR, TWIN_LIBRARIES, twinFolder, writeTwin } from '../../scripts/twins/index.mjs';
import { mlcParamsFromSpec, paramBytes, readLibraryMetadata } from '../../scripts/twins/mlc-params.mjs';
import { writeMlcTwin, type TensorCacheManifest } from '../../scripts/twins/mlc-writer.mjs';
import { dequantizeMlcQ4 } from '../../scripts/twins/quantize.mjs';
import { twinSpec } from '../../scripts/twins/spec.mjs';
import { createWeightSource } from '../../scripts/twins/weights.mjs';
import { FIXTURES_DIR } from '../support/fixtures.js';

const LIBRARY = join(SHARED_MLC_DIR, TWIN_LIBRARIES['qwen2.5-0.5b']!);
const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function readRecord(folder: string, shard: string, offset: number, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(join(folder, shard), 'r');
  try {
    readSync(fd, buffer, 0, bytes, offset);
  } finally {
    closeSync(fd);
  }
  return buffer;
}

describe('the MLC twin of Qwen2.5-0.5B', () => {
  const metadata = readLibraryMetadata(LIBRARY);
  const libraryParams = metadata.params.map(({ name, shape, dtype }) => ({ name, shape, dtype }));

  it('reads the library’s embedded metadata: qwen2, q4f32_1, 267 params, 309,011,968 bytes', () => {
    expect(metadata).toMatchObject({ model_type: 'qwen2', quantization: 'q4f32_1', context_window_size: 4096 });
    expect(libraryParams).toHaveLength(267);
    expect(libraryParams.reduce((sum, param) => sum + paramBytes(param), 0)).toBe(309_011_968);
    // mlc-llm's naming, derived from the spec, is exactly what the library loads.
    expect(mlcParamsFromSpec(twinSpec('qwen2.5-0.5b'))).toEqual(libraryParams);
  });

  it('writes exactly the library’s params, in load order, into shards that hold them byte for byte', () => {
    const [result] = writeTwin('qwen2.5-0.5b', FIXTURES_DIR, { formats: ['mlc'] });
    const folder = join(result!.folder, 'resolve', 'main');
    const manifest = JSON.parse(readFileSync(join(folder, 'tensor-cache.json'), 'utf8')) as TensorCacheManifest;
    expect(readFileSync(join(folder, 'ndarray-cache.json'), 'utf8')).toBe(
      readFileSync(join(folder, 'tensor-cache.json'), 'utf8'),
    );
    const written = manifest.records.flatMap((shard) => shard.records);
    expect(written.map(({ name, shape, dtype }) => ({ name, shape, dtype }))).toEqual(libraryParams);
    written.forEach((record, i) => expect(record.nbytes, record.name).toBe(paramBytes(libraryParams[i]!)));
    expect(manifest.metadata.ParamBytes).toBe(309_011_968);
    for (const shard of manifest.records) {
      expect(statSync(join(folder, shard.dataPath)).size).toBe(shard.nbytes);
      let offset = 0;
      for (const record of shard.records) {
        expect(record.byteOffset).toBe(offset);
        offset += record.nbytes;
      }
      expect(offset).toBe(shard.nbytes);
    }
    const last = manifest.records.at(-1)!;
    expect(
      createHash('md5')
        .update(readFileSync(join(folder, last.dataPath)))
        .digest('hex'),
    ).toBe(last.md5sum);

    const config = JSON.parse(readFileSync(join(folder, 'mlc-chat-config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'qwen2',
      quantization: 'q4f32_1',
      context_window_size: 4096,
      prefill_chunk_size: 1024,
    });
    expect(config.edge_llm_twin.note).toBe('synthetic weights: speed only, no quality');
    expect(config.conv_template.stop_token_ids).toEqual([151645, 151643]);
    const tokenizer = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(151936);
    expect(twinFolder(FIXTURES_DIR, 'qwen2.5-0.5b', 'mlc')).toBe(result!.folder);
  }, 300_000);
});

describe('the MLC writer', () => {
  const spec = twinSpec('ci-small');
  const source = createWeightSource(spec);

  it('quantizes the packed projections from the same float32 values, and copies float params exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-llm-twin-mlc-'));
    temporary.push(dir);
    const { folder, manifest } = writeMlcTwin(dir, source, { params: mlcParamsFromSpec(spec), paramsFrom: 'the spec' });
    const records = new Map(
      manifest.records.flatMap((shard) => shard.records.map((r) => [r.name, { ...r, shard: shard.dataPath }])),
    );
    const read = (name: string) => {
      const record = records.get(name)!;
      return readRecord(folder, record.shard, record.byteOffset, record.nbytes);
    };
    const qWeight = read('model.layers.1.self_attn.qkv_proj.q_weight');
    const qScale = read('model.layers.1.self_attn.qkv_proj.q_scale');
    const rows = (spec.heads + 2 * spec.kvHeads) * spec.headDim;
    const decoded = dequantizeMlcQ4(
      new Uint32Array(qWeight.buffer, qWeight.byteOffset, qWeight.length / 4),
      new Float32Array(qScale.buffer, qScale.byteOffset, qScale.length / 4),
      rows,
      spec.hiddenSize,
    );
    const stacked = ['q_proj', 'k_proj', 'v_proj'].flatMap((p) =>
      Array.from(source.read(`model.layers.1.self_attn.${p}.weight`)),
    );
    const scales = new Float32Array(qScale.buffer, qScale.byteOffset, qScale.length / 4);
    stacked.forEach((value, i) =>
      expect(Math.abs(decoded[i]! - value)).toBeLessThanOrEqual(scales[Math.floor(i / 32)]! / 2 + 1e-6),
    );
    const norm = read('model.layers.2.post_attention_layernorm.weight');
    expect(norm.equals(Buffer.from(source.read('model.layers.2.post_attention_layernorm.weight').buffer))).toBe(true);
  });

  it('refuses a library whose params do not fit the twin, naming the param', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-llm-twin-mlc-'));
    temporary.push(dir);
    const params = mlcParamsFromSpec(spec).map((p) =>
      p.name === 'model.layers.0.mlp.down_proj.q_weight' ? { ...p, shape: [p.shape[0]!, p.shape[1]! + 1] } : p,
    );
    expect(() => writeMlcTwin(dir, source, { params, paramsFrom: 'a wrong list' })).toThrow(
      /model\.layers\.0\.mlp\.down_proj\.q_weight: the library wants uint32\[128,49\]/,
    );
  });
});
