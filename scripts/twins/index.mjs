// Writes a twin in every engine format (ONNX for transformers.js, MLC for web-llm, GGUF for
// llama.cpp), from one seeded float32 weight source (weights.mjs's createWeightSource).
//
// Layout under <out>/twins/:
//   <name>-onnx/   transformers.js folder (config.json, tokenizer files, onnx/model*.onnx + data)
//   <name>-mlc/    web-llm folder (resolve/main/: mlc-chat-config.json, tokenizer.json,
//                  tensor-cache.json, ndarray-cache.json, params_shard_*.bin)
//   <name>-gguf/   llama.cpp files (<name>-f32.gguf, <name>-q8_0.gguf, <name>-q4_0.gguf)
// Each folder's twin.json, written last, says the folder is complete and which generator made it.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mlcParamsFromSpec, readLibraryMetadata } from './mlc-params.mjs';
import { writeGgufTwin } from './gguf-writer.mjs';
import { writeMlcTwin } from './mlc-writer.mjs';
import { writeOnnxTwin } from './onnx-writer.mjs';
import { TWIN_NOTE, twinSpec } from './spec.mjs';
import { createWeightSource, TWIN_SEED } from './weights.mjs';

const SCRIPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The code a twin's bytes depend on: any change to it makes existing twins stale. */
const GENERATOR_FILES = [
  'prng.mjs',
  'byte-level.mjs',
  'onnx-builder.mjs',
  'onnx-tiny-model.mjs',
  'gguf/writer.mjs',
  'gguf/quantize.mjs',
];

/** A digest of the generator's own source, stamped into every twin it writes. */
export function generatorDigest() {
  const hash = createHash('sha256');
  const twinsDir = join(SCRIPTS_DIR, 'twins');
  const files = [
    ...GENERATOR_FILES.map((name) => join(SCRIPTS_DIR, name)),
    ...readdirSync(twinsDir)
      .filter((name) => name.endsWith('.mjs') && name !== 'cli.mjs')
      .sort()
      .map((name) => join(twinsDir, name)),
  ];
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}
export const TWIN_FORMATS = Object.freeze(['onnx', 'mlc', 'gguf']);

const REPO_ROOT = resolve(SCRIPTS_DIR, '..');
/** Third-party artifacts beside the project's clone (see ../shared/artifacts/README.md). */
export const SHARED_MLC_DIR = resolve(REPO_ROOT, '..', 'shared', 'artifacts', 'mlc');

/** Real MLC model libraries whose metadata gives a twin's web-llm weights. */
export const TWIN_LIBRARIES = Object.freeze({
  'qwen2.5-0.5b': 'Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.v0_2_48.wasm',
});

/** Folder of one format of a twin under `out`. */
export function twinFolder(out, name, format) {
  return join(out, 'twins', `${name}-${format}`);
}

function stampOf(name, format, seed) {
  return { twin: name, format, seed, generator: generatorDigest(), note: TWIN_NOTE };
}

/** True when the folder holds a complete twin made by this generator with this seed. */
export function isTwinComplete(out, name, format, seed = TWIN_SEED) {
  const stamp = join(twinFolder(out, name, format), 'twin.json');
  if (!existsSync(stamp)) return false;
  try {
    const found = JSON.parse(readFileSync(stamp, 'utf8'));
    return JSON.stringify(found) === JSON.stringify(stampOf(name, format, seed));
  } catch {
    return false;
  }
}

/** The library whose metadata lists the twin's web-llm weights, if one is at hand. */
export function twinLibrary(name, explicit) {
  if (explicit) return resolve(explicit);
  const known = TWIN_LIBRARIES[name];
  const path = known && join(SHARED_MLC_DIR, known);
  return path && existsSync(path) ? path : undefined;
}

function folderBytes(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, entry) => sum + folderBytes(join(path, entry)), 0);
}

/**
 * Writes the twin's folders for the given formats (skipping complete ones unless `force`).
 * @returns {{ format: string, folder: string, bytes: number, seconds: number, skipped: boolean, detail: string }[]}
 */
export function writeTwin(
  name,
  out,
  { formats = TWIN_FORMATS, seed = TWIN_SEED, mlcLibrary, force = false, log = () => {} } = {},
) {
  const spec = twinSpec(name);
  const source = createWeightSource(spec, { seed });
  const results = [];
  for (const format of formats) {
    if (!TWIN_FORMATS.includes(format))
      throw new Error(`unknown twin format "${format}" (there are: ${TWIN_FORMATS.join(', ')})`);
    const folder = twinFolder(out, name, format);
    if (!force && isTwinComplete(out, name, format, seed)) {
      results.push({ format, folder, bytes: folderBytes(folder), seconds: 0, skipped: true, detail: 'already there' });
      continue;
    }
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const started = performance.now();
    let detail;
    if (format === 'onnx') {
      log(`${name}: writing the ONNX twin (fp32, q4) to ${folder}`);
      const written = writeOnnxTwin(folder, source);
      detail = written.map((w) => `${w.file} + ${w.dataFiles.length} data file(s), ${w.nodes} nodes`).join('; ');
    } else if (format === 'gguf') {
      log(`${name}: writing the GGUF twin (F32, Q8_0, Q4_0) to ${folder}`);
      const written = writeGgufTwin(folder, source);
      detail = written.map((w) => `${w.file} ${(w.bytes / 1e6).toFixed(1)} MB`).join('; ');
    } else {
      const library = twinLibrary(name, mlcLibrary);
      const metadata = library ? readLibraryMetadata(library) : undefined;
      const params = metadata
        ? metadata.params.map(({ name: n, shape, dtype }) => ({ name: n, shape, dtype }))
        : mlcParamsFromSpec(spec);
      const paramsFrom = library
        ? `the metadata of the model library ${library.split('/').at(-1)}`
        : "derived from the spec with mlc-llm's parameter names (no model library at hand to read them from)";
      log(`${name}: writing the MLC twin (q4f32_1) to ${folder}; params: ${paramsFrom}`);
      const { manifest } = writeMlcTwin(folder, source, { params, metadata, paramsFrom });
      detail = `${manifest.metadata.ParamSize} params in ${manifest.records.length} shards; params: ${paramsFrom}`;
    }
    writeFileSync(join(folder, 'twin.json'), `${JSON.stringify(stampOf(name, format, seed), null, 2)}\n`);
    const seconds = (performance.now() - started) / 1000;
    results.push({ format, folder, bytes: folderBytes(folder), seconds, skipped: false, detail });
  }
  return results;
}
