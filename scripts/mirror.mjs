#!/usr/bin/env node
// Downloads every file a model needs into a folder that, served statically, is a model mirror
// for edge-llm's "mirror base URL" setting (see README, "Self-hosted models").
//
//   npm run mirror -- --engine webllm --model SmolLM2-360M-Instruct-q4f32_1-MLC --out ./models
//   npm run mirror -- --engine webllm --record my-model.json --out ./models
//   npm run mirror -- --engine transformers --model onnx-community/Qwen2.5-0.5B-Instruct --dtype q4 --out ./models
//   npm run mirror -- --engine llamacpp --model bartowski/Llama-3.2-1B-Instruct-GGUF --file Llama-3.2-1B-Instruct-Q4_K_M.gguf --out ./models
//
// Layout written (the same as src/core/mirror-urls.ts reads; tests/unit/mirror-script.test.ts keeps
// the two in step):
//   <out>/<org>/<name>/resolve/main/...   model files, as on the hub
//   <out>/libs/<file>.wasm                web-llm model libraries
//   <out>/edge-llm-models.json            the mirrored models as an importable model list
//
// Resumable and idempotent: a file is written to "<name>.part", checked against its
// Content-Length (and, for web-llm weights, the size tensor-cache.json declares), and only then
// renamed into place; files already in place are skipped. Node 20, no dependencies.
//
// It runs on plain Node with no build step, and the app's core modules are TypeScript, so it
// cannot import src/core/mirror-urls.ts or src/core/transformers-catalog.ts. The few facts it
// shares with them (the mirror layout, the dtype list and file names) are written here again,
// and tests/unit/mirror-script.test.ts fails when the two disagree.

import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

export const PUBLIC_MODEL_HOST = 'https://huggingface.co/';
export const PUBLIC_LIBRARY_HOST = 'https://raw.githubusercontent.com/';
export const MODEL_LIST_FILE = 'edge-llm-models.json';
export const MODEL_LIST_SCHEMA = 'edge-llm/models@2';
export const DTYPES = ['q4', 'q4f16', 'int8', 'fp16', 'fp32'];
const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', int8: '_int8', q4: '_q4', q4f16: '_q4f16' };

const USAGE = `usage: npm run mirror -- --engine <webllm|transformers|llamacpp> --model <id> --out <dir> [options]

  --engine webllm        --model <web-llm catalog id>, or --record <ModelRecord .json file>
  --engine transformers  --model <org/name> [--dtype q4|q4f16|int8|fp16|fp32]  (default q4)
  --engine llamacpp      --model <org/name> --file <file.gguf>  (a split model: its first part,
                         "...-00001-of-0000N.gguf"; every part is fetched)
  --out <dir>            the mirror folder (created; files already complete are skipped)
  --hub <url>            fetch model files from here instead of ${PUBLIC_MODEL_HOST}
  --lib-host <url>       fetch web-llm model libraries from here instead of ${PUBLIC_LIBRARY_HOST}
`;

class MirrorError extends Error {}

// ---------------------------------------------------------------------------
// Layout (mirrors src/core/mirror-urls.ts)

/** "mlc-ai/X-MLC/resolve/main/" for a web-llm model URL on the hub; undefined elsewhere. */
export function webLlmModelPath(model) {
  if (!model.startsWith(PUBLIC_MODEL_HOST)) return undefined;
  let path = model.slice(PUBLIC_MODEL_HOST.length).replace(/^\/+/, '');
  if (!path.endsWith('/')) path += '/';
  if (!/.+\/resolve\/.+\//.test(path)) path += 'resolve/main/';
  return path;
}

/** "libs/X.wasm" for a web-llm model library on the public library host; undefined elsewhere. */
export function webLlmLibraryPath(modelLib) {
  if (!modelLib.startsWith(PUBLIC_LIBRARY_HOST)) return undefined;
  const file = new URL(modelLib).pathname.split('/').filter(Boolean).at(-1);
  return file ? `libs/${file}` : undefined;
}

/** "org/name/resolve/main/" for a transformers.js hub model. */
export function transformersModelPath(model) {
  return `${model.replace(/^\/+|\/+$/g, '')}/resolve/main/`;
}

/** The ONNX file transformers.js loads for a dtype, as in src/core/transformers-catalog.ts. */
export function onnxFile(dtype) {
  return `onnx/model${DTYPE_SUFFIX[dtype] ?? `_${dtype}`}.onnx`;
}

/** External data files of an ONNX file, as transformers.js names them from its config. */
export function externalDataFiles(config, onnxPath) {
  const setting = config?.['transformers.js_config']?.use_external_data_format;
  const fullName = onnxPath.split('/').at(-1);
  let chunks = 0;
  if (setting && typeof setting === 'object') {
    chunks = +(setting[fullName] ?? setting.model ?? 0);
  } else {
    chunks = +(setting ?? 0);
  }
  return Array.from({ length: chunks }, (_, i) => `${onnxPath}_data${i === 0 ? '' : `_${i}`}`);
}

// ---------------------------------------------------------------------------
// Arguments

export function parseArgs(argv) {
  const options = { hub: PUBLIC_MODEL_HOST, libHost: PUBLIC_LIBRARY_HOST };
  const names = { '--engine': 'engine', '--model': 'model', '--out': 'out', '--record': 'record' };
  Object.assign(names, { '--dtype': 'dtype', '--hub': 'hub', '--lib-host': 'libHost', '--file': 'file' });
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '-h' || flag === '--help') return { help: true };
    const name = names[flag];
    if (!name) throw new MirrorError(`unknown argument "${argv[i]}".\n\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new MirrorError(`${flag} needs a value.\n\n${USAGE}`);
    options[name] = value;
  }
  if (!['webllm', 'transformers', 'llamacpp'].includes(options.engine)) {
    throw new MirrorError(`--engine must be webllm, transformers or llamacpp.\n\n${USAGE}`);
  }
  if (!options.out) throw new MirrorError(`--out <dir> is missing: say where the mirror folder goes.\n\n${USAGE}`);
  if (options.engine === 'webllm' && !options.model === !options.record) {
    throw new MirrorError('give either --model <web-llm catalog id> or --record <file.json> for --engine webllm.');
  }
  if (options.engine === 'transformers') {
    if (!options.model || !/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(options.model)) {
      throw new MirrorError('--model must be a hub id such as onnx-community/Qwen2.5-0.5B-Instruct.');
    }
    options.dtype ??= 'q4';
    if (!DTYPES.includes(options.dtype)) throw new MirrorError(`--dtype must be one of ${DTYPES.join(', ')}.`);
  }
  if (options.engine === 'llamacpp') {
    if (!options.model || !/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(options.model)) {
      throw new MirrorError('--model must be a hub id such as bartowski/Llama-3.2-1B-Instruct-GGUF.');
    }
    if (!options.file || !/^[\w.-]+\.gguf$/i.test(options.file)) {
      throw new MirrorError('--file must be the GGUF file in the repository, e.g. Llama-3.2-1B-Instruct-Q4_K_M.gguf.');
    }
  }
  for (const flag of ['hub', 'libHost']) {
    let url;
    try {
      url = new URL(options[flag]);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new MirrorError(`--${flag === 'hub' ? 'hub' : 'lib-host'} must be an absolute http(s) URL.`);
    }
    options[flag] = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  options.out = resolve(options.out);
  return options;
}

// ---------------------------------------------------------------------------
// Downloads

const units = ['B', 'KB', 'MB', 'GB', 'TB'];
export function formatBytes(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

class Downloader {
  constructor(out, log) {
    this.out = out;
    this.log = log;
    this.count = 0;
    this.downloaded = 0;
    this.skipped = 0;
    this.bytes = 0;
    this.files = [];
  }

  /**
   * Fetches `url` into `<out>/<path>` unless it is already there. `expected` is a size the
   * model's own manifest declares, checked as well as Content-Length. Returns the local path,
   * or undefined for an optional file the host does not have.
   */
  async get(url, path, { expected, optional = false } = {}) {
    const dest = join(this.out, ...path.split('/'));
    const label = `[${++this.count}] ${path}`;
    if (existsSync(dest)) {
      const size = statSync(dest).size;
      if (expected === undefined || size === expected) {
        this.skipped += 1;
        this.record(path, size);
        this.log(`${label}  ${formatBytes(size)}  already there`);
        return dest;
      }
      this.log(`${label}  is ${size} bytes, the model declares ${expected}: fetching it again`);
    }
    await mkdir(dirname(dest), { recursive: true });
    const part = `${dest}.part`;
    let response;
    try {
      // Identity encoding, so Content-Length counts the bytes that land on disk.
      response = await fetch(url, { redirect: 'follow', headers: { 'accept-encoding': 'identity' } });
    } catch (error) {
      const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      throw new MirrorError(
        `could not reach ${url} (${cause}). Check the network, or point --hub / --lib-host at a host you can reach.`,
      );
    }
    if (response.status === 404 && optional) {
      await response.body?.cancel();
      this.count -= 1;
      this.log(`    (${path}: not on the host, optional, skipped)`);
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const hint =
        response.status === 404
          ? ' Check the model id and --dtype, and that the host has this file.'
          : response.status === 401 || response.status === 403
            ? ' The host refused it: a gated model needs access on the hub first.'
            : ' Try again later; files already downloaded are kept.';
      throw new MirrorError(`${url} answered HTTP ${response.status} ${response.statusText}.${hint}`);
    }
    const header = response.headers.get('content-length');
    const encoded = !['', 'identity'].includes(response.headers.get('content-encoding') ?? '');
    const declared = header === null || encoded ? undefined : Number(header);
    const total = declared ?? expected;
    let received = 0;
    let lastReport = 0;
    const tty = process.stdout.isTTY;
    const body = Readable.fromWeb(response.body);
    body.on('data', (chunk) => {
      received += chunk.length;
      const now = Date.now();
      if (tty && now - lastReport > 250) {
        lastReport = now;
        const percent = total ? ` ${Math.floor((received / total) * 100)}%` : '';
        process.stdout.write(
          `\r${label}  ${formatBytes(received)}${total ? ` / ${formatBytes(total)}` : ''}${percent}`,
        );
      }
    });
    try {
      await pipeline(body, createWriteStream(part));
    } catch (error) {
      throw new MirrorError(
        `the download of ${url} broke off after ${received} bytes (${error?.message ?? error}). Run the same command again to retry.`,
      );
    }
    if (tty) process.stdout.write('\r\u001b[K');
    const size = (await stat(part)).size;
    for (const [what, want] of [
      ['Content-Length', declared],
      ['size the model declares', expected],
    ]) {
      if (want !== undefined && size !== want) {
        await rm(part, { force: true });
        throw new MirrorError(
          `${url} gave ${size} bytes, but its ${what} is ${want}: the file is incomplete or not the one the model lists. Run the command again; if it repeats, the host's copy is broken.`,
        );
      }
    }
    await rename(part, dest);
    this.downloaded += 1;
    this.record(path, size);
    this.log(`${label}  ${formatBytes(size)}  downloaded`);
    return dest;
  }

  record(path, size) {
    this.bytes += size;
    this.files.push({ path, size });
  }
}

async function readJson(file, what) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    await rm(file, { force: true });
    throw new MirrorError(`${what} is not valid JSON (${error.message}); it was removed, run the command again.`);
  }
}

// ---------------------------------------------------------------------------
// web-llm

async function webLlmRecord(options) {
  if (options.record) {
    let record;
    try {
      record = JSON.parse(readFileSync(options.record, 'utf8'));
    } catch (error) {
      throw new MirrorError(`could not read --record ${options.record}: ${error.message}`);
    }
    for (const field of ['model_id', 'model', 'model_lib']) {
      if (typeof record?.[field] !== 'string') throw new MirrorError(`--record ${options.record} has no "${field}".`);
    }
    return record;
  }
  const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
  const record = prebuiltAppConfig.model_list.find((entry) => entry.model_id === options.model);
  if (!record) {
    const near = prebuiltAppConfig.model_list
      .map((entry) => entry.model_id)
      .filter((id) => id.toLowerCase().includes(options.model.toLowerCase().split(/[-_]/)[0] ?? ''))
      .slice(0, 8);
    throw new MirrorError(
      `web-llm's catalog has no model "${options.model}".${near.length ? ` Similar ids: ${near.join(', ')}.` : ''} For a model outside the catalog, use --record <file.json>.`,
    );
  }
  return record;
}

async function mirrorWebLlm(options, downloader) {
  const record = await webLlmRecord(options);
  const modelPath = webLlmModelPath(record.model);
  const libraryPath = webLlmLibraryPath(record.model_lib);
  if (!modelPath) throw new MirrorError(`the record's model (${record.model}) is not on ${PUBLIC_MODEL_HOST}.`);
  if (!libraryPath) {
    throw new MirrorError(`the record's model_lib (${record.model_lib}) is not on ${PUBLIC_LIBRARY_HOST}.`);
  }
  const remote = (path) => new URL(path, options.hub).href;
  const file = (name) => downloader.get(remote(`${modelPath}${name}`), `${modelPath}${name}`);

  if (record.model_manifest) await file(record.model_manifest);
  const config = await readJson(await file('mlc-chat-config.json'), 'mlc-chat-config.json');
  const tokenizerFiles = Array.isArray(config.tokenizer_files) ? config.tokenizer_files : ['tokenizer.json'];
  for (const name of tokenizerFiles) await file(name);
  const cache = await readJson(await file('tensor-cache.json'), 'tensor-cache.json');
  if (!Array.isArray(cache.records) || cache.records.length === 0) {
    throw new MirrorError('tensor-cache.json lists no weight shards; the model folder on the host is incomplete.');
  }
  for (const shard of cache.records) {
    await downloader.get(remote(`${modelPath}${shard.dataPath}`), `${modelPath}${shard.dataPath}`, {
      expected: typeof shard.nbytes === 'number' ? shard.nbytes : undefined,
    });
  }
  const libraryUrl = new URL(record.model_lib.slice(PUBLIC_LIBRARY_HOST.length), options.libHost).href;
  const library = await downloader.get(libraryUrl, libraryPath);
  const magic = (await readFile(library)).subarray(0, 4);
  if (!magic.equals(Buffer.from([0x00, 0x61, 0x73, 0x6d]))) {
    await rm(library, { force: true });
    throw new MirrorError(`${libraryUrl} is not a WebAssembly file (the host sent something else); it was removed.`);
  }
  return { webllm: [record] };
}

// ---------------------------------------------------------------------------
// transformers.js

async function mirrorTransformers(options, downloader) {
  const folder = transformersModelPath(options.model);
  const remote = (name) => new URL(`${folder}${name}`, options.hub).href;
  const file = (name, extra) => downloader.get(remote(name), `${folder}${name}`, extra);
  const config = await readJson(await file('config.json'), 'config.json');
  await file('generation_config.json', { optional: true });
  await file('tokenizer.json');
  await file('tokenizer_config.json');
  const onnx = onnxFile(options.dtype);
  await file(onnx);
  for (const data of externalDataFiles(config, onnx)) await file(data);
  return { transformers: [{ model: options.model, dtype: options.dtype }] };
}

// ---------------------------------------------------------------------------
// llama.cpp

/** Every part of a GGUF file: "m-00001-of-00003.gguf" gives three names; a whole file, itself. */
export function ggufParts(file) {
  const match = /-(\d{5})-of-(\d{5})\.gguf$/.exec(file);
  if (!match) return [file];
  const base = file.slice(0, match.index);
  return Array.from(
    { length: Number(match[2]) },
    (_, i) => `${base}-${String(i + 1).padStart(5, '0')}-of-${match[2]}.gguf`,
  );
}

async function mirrorLlamaCpp(options, downloader) {
  const folder = transformersModelPath(options.model);
  for (const part of ggufParts(options.file)) {
    await downloader.get(new URL(`${folder}${part}`, options.hub).href, `${folder}${part}`);
  }
  return { llamacpp: [{ model: options.model, file: options.file }] };
}

/** Adds the mirrored model to `<out>/edge-llm-models.json`, replacing an older entry for it. */
async function updateModelList(out, added) {
  const file = join(out, MODEL_LIST_FILE);
  let list = { schema: MODEL_LIST_SCHEMA };
  if (existsSync(file)) {
    try {
      list = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      list = { schema: MODEL_LIST_SCHEMA };
    }
  }
  const webllm = (added.webllm ?? []).concat(
    (list.webllm ?? []).filter((entry) => !added.webllm?.some((other) => other.model_id === entry.model_id)),
  );
  const transformers = (added.transformers ?? []).concat(
    (list.transformers ?? []).filter(
      (entry) => !added.transformers?.some((other) => other.model === entry.model && other.dtype === entry.dtype),
    ),
  );
  const llamacpp = (added.llamacpp ?? []).concat(
    (list.llamacpp ?? []).filter(
      (entry) => !added.llamacpp?.some((other) => other.model === entry.model && other.file === entry.file),
    ),
  );
  const next = { schema: MODEL_LIST_SCHEMA };
  if (webllm.length) next.webllm = webllm;
  if (transformers.length) next.transformers = transformers;
  if (llamacpp.length) next.llamacpp = llamacpp;
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
}

/** Runs the mirror; resolves with the totals. Throws MirrorError with a message for people. */
export async function mirror(options, log = (line) => process.stdout.write(`${line}\n`)) {
  await mkdir(options.out, { recursive: true });
  const downloader = new Downloader(options.out, log);
  const model = options.model ?? options.record;
  const variant = options.dtype ?? options.file;
  log(`Mirroring ${options.engine} model ${model}${variant ? ` (${variant})` : ''} into ${options.out}`);
  const mirrorEngine = { webllm: mirrorWebLlm, transformers: mirrorTransformers, llamacpp: mirrorLlamaCpp };
  const added = await mirrorEngine[options.engine](options, downloader);
  await updateModelList(options.out, added);
  log(
    `Done: ${downloader.files.length} files, ${formatBytes(downloader.bytes)} (${downloader.bytes} bytes) in ${options.out}; ` +
      `${downloader.downloaded} downloaded, ${downloader.skipped} already there.`,
  );
  log(
    `Serve the folder with CORS (e.g. "npx http-server ${options.out} --cors") and set the ` +
      `${{ webllm: 'web-llm', transformers: 'transformers.js', llamacpp: 'llama.cpp' }[options.engine]} mirror base URL to its address; ` +
      `import ${MODEL_LIST_FILE} in the app for models outside its catalog.`,
  );
  return { files: downloader.files, bytes: downloader.bytes, downloaded: downloader.downloaded };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(USAGE);
      return;
    }
    await mirror(options);
  } catch (error) {
    if (!(error instanceof MirrorError)) throw error;
    process.stderr.write(`mirror: ${error.message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
