/**
 * `npm run mirror` (scripts/mirror.mjs) against a local server laid out like the model hosts:
 * the generated tiny models under `/hub/<org>/<name>/resolve/main/`, model libraries under
 * `/libhost/<path on raw.githubusercontent.com>`. Nothing leaves localhost.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import {
  externalDataFiles,
  formatBytes,
  ggufParts,
  DTYPES,
  onnxFile,
  transformersModelPath,
  webLlmLibraryPath,
  webLlmModelPath,
} from '../../scripts/mirror.mjs';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.mjs';
import {
  mirrorLlamaCppUrl,
  mirrorWebLlmRecord,
  transformersHubFolderUrl,
  webLlmLibraryMirrorPath,
  webLlmModelMirrorPath,
} from '../../src/core/mirror-urls.js';
import { parseModelList } from '../../src/core/model-list.js';
import { onnxFileForDtype, TRANSFORMERS_DTYPES } from '../../src/core/transformers-catalog.js';
import { FIXTURES_DIR, TINY_MODEL_DIR, ensureFixtures } from '../support/fixtures.js';

const REPO = join(import.meta.dirname, '..', '..');
const LIB_DIR = 'mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/';
const LIB_HOST = `https://raw.githubusercontent.com/${LIB_DIR}`;
const ONNX_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
];
const MLC_FILES = [
  'mlc-chat-config.json',
  'tokenizer.json',
  'tensor-cache.json',
  'params_shard_0.bin',
  'params_shard_1.bin',
];

// A real catalog entry whose files the local "hub" imitates with the tiny model.
const CATALOG = prebuiltAppConfig.model_list.find(
  (entry) => entry.model_id === 'SmolLM2-135M-Instruct-q0f32-MLC' && entry.model_lib.startsWith(LIB_HOST),
)!;
const RECORD = {
  model_id: 'edge-tiny-q4f32_1-MLC',
  model: 'https://huggingface.co/edge-test/edge-tiny-q4f32_1-MLC',
  model_lib: `${LIB_HOST}edge-tiny-q4f32_1-webgpu.wasm`,
  vram_required_MB: 16,
};

let work: string;
let hub: StaticServer;
let closedPort: number;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mirror(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'scripts', 'mirror.mjs'), ...args], { cwd: REPO }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const hubArgs = () => ['--hub', `${hub.url}/hub/`, '--lib-host', `${hub.url}/libhost/`];
const size = (path: string) => statSync(path).size;

beforeAll(async () => {
  ensureFixtures();
  expect(CATALOG, 'web-llm still lists SmolLM2-135M-Instruct-q0f32-MLC').toBeDefined();
  work = mkdtempSync(join(tmpdir(), 'edge-llm-mirror-'));
  // Model libraries: the smallest valid WebAssembly module under the names the records give.
  const libs = join(work, 'libs');
  mkdirSync(libs);
  for (const url of [RECORD.model_lib, CATALOG.model_lib]) {
    copyFileSync(join(FIXTURES_DIR, 'libs', 'empty-module.wasm'), join(libs, url.split('/').at(-1)!));
  }
  // A copy of the MLC model whose tensor cache declares a wrong size for a shard.
  const lying = join(work, 'lying');
  mkdirSync(lying);
  for (const file of MLC_FILES) copyFileSync(join(TINY_MODEL_DIR, file), join(lying, file));
  const cache = JSON.parse(readFileSync(join(lying, 'tensor-cache.json'), 'utf8'));
  cache.records[1].nbytes += 1;
  writeFileSync(join(lying, 'tensor-cache.json'), JSON.stringify(cache));

  hub = await startStaticServer({
    roots: {
      '/hub/edge-test/onnx-tiny/resolve/main/': join(FIXTURES_DIR, 'onnx-tiny'),
      '/hub/edge-test/edge-tiny-q4f32_1-MLC/resolve/main/': TINY_MODEL_DIR,
      [`/hub/${webLlmModelMirrorPath(CATALOG.model)}`]: TINY_MODEL_DIR,
      '/hub/edge-test/lying-MLC/resolve/main/': lying,
      '/hub/edge-test/tiny-GGUF/resolve/main/': join(FIXTURES_DIR, 'gguf-tiny'),
      [`/libhost/${LIB_DIR}`]: libs,
    },
  });
  const closed = await startStaticServer({ roots: { '/': work } });
  closedPort = closed.port;
  await closed.close();
});

afterAll(async () => {
  await hub?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run mirror', () => {
  it('mirrors a transformers.js hub model, prints the total, and writes an importable model list', async () => {
    const out = join(work, 'out-transformers');
    const run = await mirror(
      '--engine',
      'transformers',
      '--model',
      'edge-test/onnx-tiny',
      '--dtype',
      'fp32',
      '--out',
      out,
      ...hubArgs(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const folder = join(out, 'edge-test', 'onnx-tiny', 'resolve', 'main');
    let total = 0;
    for (const file of ONNX_FILES) {
      const bytes = size(join(FIXTURES_DIR, 'onnx-tiny', file));
      expect(size(join(folder, file)), file).toBe(bytes);
      expect(run.stdout).toContain(`${file}  ${formatBytes(bytes)}  downloaded`);
      total += bytes;
    }
    expect(run.stdout).toContain(`Done: 5 files, ${formatBytes(total)} (${total} bytes)`);
    expect(run.stdout).toContain('5 downloaded, 0 already there');

    const list = parseModelList(readFileSync(join(out, 'edge-llm-models.json'), 'utf8'));
    expect(list).toEqual({
      ok: true,
      count: 1,
      models: { transformersHub: [{ model: 'edge-test/onnx-tiny', dtype: 'fp32' }] },
    });
  });

  it('mirrors a llama.cpp GGUF file where the app looks for it under a mirror base URL', async () => {
    const out = join(work, 'out-llamacpp');
    const file = 'edge-tiny-q4_0.gguf';
    const run = await mirror(
      '--engine',
      'llamacpp',
      '--model',
      'edge-test/tiny-GGUF',
      '--file',
      file,
      '--out',
      out,
      ...hubArgs(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const hubUrl = `https://huggingface.co/edge-test/tiny-GGUF/resolve/main/${file}`;
    const base = 'http://mirror.local/models/';
    const local = join(out, ...mirrorLlamaCppUrl(hubUrl, base).slice(base.length).split('/'));
    expect(size(local)).toBe(size(join(FIXTURES_DIR, 'gguf-tiny', file)));
    expect(parseModelList(readFileSync(join(out, 'edge-llm-models.json'), 'utf8'))).toEqual({
      ok: true,
      count: 1,
      models: { llamacpp: [{ url: hubUrl }] },
    });
    expect(ggufParts('m-Q8_0-00001-of-00002.gguf')).toEqual([
      'm-Q8_0-00001-of-00002.gguf',
      'm-Q8_0-00002-of-00002.gguf',
    ]);
  });

  it('is idempotent: a second run fetches nothing; a broken-off download is fetched again', async () => {
    const out = join(work, 'out-again');
    const args = [
      '--engine',
      'transformers',
      '--model',
      'edge-test/onnx-tiny',
      '--dtype',
      'fp32',
      '--out',
      out,
      ...hubArgs(),
    ];
    expect((await mirror(...args)).code).toBe(0);
    const before = hub.requests.length;
    const again = await mirror(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 downloaded, 5 already there');
    expect(hub.requests.length).toBe(before);

    // An interrupted run leaves only a ".part" file; the final name appears once the size checks out.
    const onnx = join(out, 'edge-test', 'onnx-tiny', 'resolve', 'main', 'onnx', 'model.onnx');
    rmSync(onnx);
    writeFileSync(`${onnx}.part`, 'half a model');
    const resumed = await mirror(...args);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('1 downloaded, 4 already there');
    expect(size(onnx)).toBe(size(join(FIXTURES_DIR, 'onnx-tiny', 'onnx', 'model.onnx')));
    expect(existsSync(`${onnx}.part`)).toBe(false);
  });

  it('mirrors a web-llm model from a record: config, tokenizer, tensor cache, every shard, and the library', async () => {
    const out = join(work, 'out-record');
    const recordFile = join(work, 'record.json');
    writeFileSync(recordFile, JSON.stringify(RECORD));
    const run = await mirror('--engine', 'webllm', '--record', recordFile, '--out', out, ...hubArgs());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    let total = 0;
    for (const file of MLC_FILES) {
      const bytes = size(join(TINY_MODEL_DIR, file));
      expect(size(join(out, 'edge-test', 'edge-tiny-q4f32_1-MLC', 'resolve', 'main', file)), file).toBe(bytes);
      total += bytes;
    }
    expect(size(join(out, 'libs', 'edge-tiny-q4f32_1-webgpu.wasm'))).toBe(8);
    total += 8;
    expect(run.stdout).toContain(`Done: 6 files, ${formatBytes(total)} (${total} bytes)`);
    const list = parseModelList(readFileSync(join(out, 'edge-llm-models.json'), 'utf8'));
    expect(list.ok && list.models.webllm).toEqual([RECORD]);
  });

  it('mirrors a web-llm catalog model exactly where the app looks for it under a mirror base URL', async () => {
    const out = join(work, 'out-catalog');
    const run = await mirror('--engine', 'webllm', '--model', CATALOG.model_id, '--out', out, ...hubArgs());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Where the app fetches from, with the folder served at the base URL.
    const base = 'http://mirror.test/models/';
    const mirrored = mirrorWebLlmRecord(CATALOG, base);
    const local = (url: string) => join(out, ...url.slice(base.length).split('/'));
    for (const file of MLC_FILES) expect(existsSync(local(new URL(file, mirrored.model).href)), file).toBe(true);
    expect(existsSync(local(mirrored.model_lib))).toBe(true);
  });

  it('lays folders out as src/core/mirror-urls.ts reads them', () => {
    for (const entry of prebuiltAppConfig.model_list.slice(0, 20)) {
      expect(webLlmModelPath(entry.model)).toBe(webLlmModelMirrorPath(entry.model));
      expect(webLlmLibraryPath(entry.model_lib)).toBe(webLlmLibraryMirrorPath(entry.model_lib));
    }
    expect(new URL(transformersModelPath('onnx-community/Qwen2.5-0.5B-Instruct'), 'http://m.test/').href).toBe(
      transformersHubFolderUrl('onnx-community/Qwen2.5-0.5B-Instruct', 'http://m.test/'),
    );
    expect(DTYPES).toEqual([...TRANSFORMERS_DTYPES]);
    for (const dtype of TRANSFORMERS_DTYPES) expect(onnxFile(dtype)).toBe(onnxFileForDtype(dtype));
  });

  it('names the external data files transformers.js reads for large ONNX files, as its config declares them', () => {
    const config = (setting: unknown) => ({ 'transformers.js_config': { use_external_data_format: setting } });
    expect(externalDataFiles({}, 'onnx/model_q4.onnx')).toEqual([]);
    expect(externalDataFiles(config(false), 'onnx/model_q4.onnx')).toEqual([]);
    expect(externalDataFiles(config(true), 'onnx/model_q4.onnx')).toEqual(['onnx/model_q4.onnx_data']);
    expect(externalDataFiles(config(3), 'onnx/model.onnx')).toEqual([
      'onnx/model.onnx_data',
      'onnx/model.onnx_data_1',
      'onnx/model.onnx_data_2',
    ]);
    expect(externalDataFiles(config({ 'model_fp16.onnx': 2 }), 'onnx/model_fp16.onnx')).toHaveLength(2);
    expect(externalDataFiles(config({ 'model_fp16.onnx': 2 }), 'onnx/model_q4.onnx')).toEqual([]);
  });

  it('fails clearly on a 404, naming the URL, and leaves no half file', async () => {
    const out = join(work, 'out-404');
    const run = await mirror(
      '--engine',
      'transformers',
      '--model',
      'edge-test/missing',
      '--dtype',
      'fp32',
      '--out',
      out,
      ...hubArgs(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `mirror: ${hub.url}/hub/edge-test/missing/resolve/main/config.json answered HTTP 404 Not Found. Check the model id and --dtype`,
    );
    expect(existsSync(join(out, 'edge-test', 'missing', 'resolve', 'main', 'config.json'))).toBe(false);

    const dtype = await mirror(
      '--engine',
      'transformers',
      '--model',
      'edge-test/onnx-tiny',
      '--dtype',
      'q4',
      '--out',
      out,
      ...hubArgs(),
    );
    expect(dtype.code).toBe(1);
    expect(dtype.stderr).toContain('onnx/model_q4.onnx answered HTTP 404');
  });

  it('fails clearly when the host cannot be reached', async () => {
    const run = await mirror(
      '--engine',
      'transformers',
      '--model',
      'edge-test/onnx-tiny',
      '--out',
      join(work, 'out-down'),
      '--hub',
      `http://127.0.0.1:${closedPort}/`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^mirror: could not reach http:\/\/127\.0\.0\.1:\d+\/edge-test\/onnx-tiny\/resolve\/main\/config\.json \(ECONNREFUSED\)/,
    );
  });

  it('refuses a shard whose size differs from what the tensor cache declares', async () => {
    const out = join(work, 'out-lying');
    const recordFile = join(work, 'lying.json');
    writeFileSync(recordFile, JSON.stringify({ ...RECORD, model: 'https://huggingface.co/edge-test/lying-MLC' }));
    const run = await mirror('--engine', 'webllm', '--record', recordFile, '--out', out, ...hubArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/params_shard_1\.bin gave 39680 bytes, but its size the model declares is 39681/);
    expect(existsSync(join(out, 'edge-test', 'lying-MLC', 'resolve', 'main', 'params_shard_1.bin'))).toBe(false);
  });

  it('says what to use instead of an id that is not in the catalog, and what an argument needs', async () => {
    const unknown = await mirror('--engine', 'webllm', '--model', 'No-Such-Model-MLC', '--out', join(work, 'x'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('web-llm\'s catalog has no model "No-Such-Model-MLC"');
    expect(unknown.stderr).toContain('use --record <file.json>');
    const dtype = await mirror('--engine', 'transformers', '--model', 'a/b', '--dtype', 'q3', '--out', join(work, 'x'));
    expect(dtype.stderr).toContain('--dtype must be one of q4, q4f16, int8, fp16, fp32.');
    const noOut = await mirror('--engine', 'transformers', '--model', 'a/b');
    expect(noOut.stderr).toContain('--out <dir> is missing');
  });
});
