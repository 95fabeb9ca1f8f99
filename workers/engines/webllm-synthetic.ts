/**
 * "Measure without downloading" for web-llm (issue 12, item 5): a model folder of synthetic
 * weights, made in the worker from the model library's own metadata, that web-llm loads as it
 * loads any model. Only the library, the chat config and the tokenizer are fetched; the weights
 * are random values of the real names, shapes and dtypes (speed only, no quality).
 *
 * The folder lives in web-llm's Cache API scopes under a URL on a reserved host
 * (`edge-llm-synthetic.invalid`, RFC 2606), never under the real model's URL: a load of the real
 * model can never read these weights, and should web-llm ever miss one of them it fails to reach
 * the host instead of fetching anything real. The engine deletes the folder as soon as web-llm
 * has the weights on the GPU (and at the start of every load, for what a crashed tab left).
 */
import type * as WebLlm from '@mlc-ai/web-llm';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { MlcMetadataError, readMlcLibraryMetadata, tensorCacheManifest } from '../../src/core/mlc-metadata.js';
import type { MlcDtype } from '../../src/core/mlc-metadata.js';
import { syntheticShard } from '../../src/core/mlc-synthetic.js';
import { ensureRoomFor } from '../storage/model-cache.js';
import type { EngineProgress } from './engine.js';
import {
  CONFIG_CACHE_SCOPE,
  fetchLibrary,
  MODEL_CACHE_SCOPE,
  modelBaseUrl,
  readThrough,
  type ChatConfig,
} from './webllm-preflight.js';

/** The reserved host synthetic model folders live under; nothing real is ever stored there. */
export const SYNTHETIC_HOST = 'edge-llm-synthetic.invalid';

/** The synthetic folder of a real model: its host and path under {@link SYNTHETIC_HOST}. */
export function syntheticModelUrl(realModel: string): string {
  const real = new URL(modelBaseUrl(realModel));
  return new URL(`https://${SYNTHETIC_HOST}/${real.host}${real.pathname}`).href;
}

/** What a synthetic folder gives the engine: the entry to load and the figures of its load report. */
export interface SyntheticModel {
  /** The catalog entry pointed at the synthetic folder, with the real model library. */
  entry: WebLlm.ModelRecord;
  /** Bytes fetched: the library (when not stored), the config and the tokenizer. */
  downloadedBytes: number;
  /** Bytes of the synthetic weights (the real model's weight bytes). */
  weightBytes: number;
  config: ChatConfig;
}

const unsupported = (message: string, url?: string) =>
  edgeError(ERROR_NAMES.syntheticUnsupported, message, url ? { url } : undefined);

/**
 * Fetches the library, config and tokenizer of `entry` and writes a synthetic model folder for it.
 * Throws a `synthetic-unsupported` error when the library carries no weight list, and the
 * preflight's own errors for a missing or invalid library or config.
 */
export async function prepareSyntheticModel(
  entry: WebLlm.ModelRecord,
  onProgress: (progress: EngineProgress) => void,
  signal: AbortSignal,
): Promise<SyntheticModel> {
  if (entry.model_manifest !== undefined) {
    throw unsupported(
      'This model is described by a model package manifest, which synthetic weights do not support yet.',
    );
  }
  const realBase = modelBaseUrl(entry.model);
  const base = syntheticModelUrl(entry.model);
  const library = await fetchLibrary(entry.model_lib, onProgress, signal);
  let metadata;
  try {
    metadata = readMlcLibraryMetadata(library.bytes!);
  } catch (error) {
    if (!(error instanceof MlcMetadataError)) throw error;
    throw unsupported(`The model library carries no usable weight list: ${error.message}`, entry.model_lib);
  }
  let downloadedBytes = library.downloadedBytes;
  const fetchSmall = async (name: string): Promise<Uint8Array<ArrayBuffer>> => {
    const url = new URL(name, realBase).href;
    onProgress({ phase: 'downloading', fraction: undefined, detail: `Fetching ${name} (no weights)` });
    const response = await readThrough(scopeOf(name), url, signal);
    if (!response.ok) {
      throw edgeError(
        name === 'mlc-chat-config.json' ? ERROR_NAMES.modelConfigInvalid : ERROR_NAMES.downloadFailed,
        `${name} could not be fetched (HTTP ${response.status}).`,
        { url, status: response.status },
      );
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    downloadedBytes += bytes.byteLength;
    return bytes;
  };
  const configBytes = await fetchSmall('mlc-chat-config.json');
  let config: ChatConfig & { tokenizer_files?: unknown };
  try {
    config = JSON.parse(new TextDecoder().decode(configBytes)) as typeof config;
  } catch {
    throw edgeError(ERROR_NAMES.modelConfigInvalid, 'The model configuration is not valid JSON.', {
      url: new URL('mlc-chat-config.json', realBase).href,
    });
  }
  // Only the tokenizer file web-llm reads (tokenizer.json, else tokenizer.model), of those listed.
  const listed = Array.isArray(config.tokenizer_files) ? (config.tokenizer_files as unknown[]) : [];
  const tokenizerName = ['tokenizer.json', 'tokenizer.model'].find((name) => listed.includes(name));
  if (!tokenizerName) {
    throw unsupported(`The model configuration lists no tokenizer web-llm can read (${JSON.stringify(listed)}).`);
  }
  const tokenizer = await fetchSmall(tokenizerName);

  const manifest = tensorCacheManifest(metadata.params);
  await ensureRoomFor(manifest.metadata.ParamBytes);
  signal.throwIfAborted();
  const put = async (scope: string, name: string, body: Uint8Array<ArrayBuffer> | string, type: string) => {
    await (
      await caches.open(scope)
    ).put(new URL(name, base).href, new Response(body, { headers: { 'content-type': type } }));
  };
  await put(CONFIG_CACHE_SCOPE, 'mlc-chat-config.json', configBytes, 'application/json');
  await put(MODEL_CACHE_SCOPE, tokenizerName, tokenizer, 'application/octet-stream');
  const manifestJson = JSON.stringify(manifest);
  // web-llm 0.2.80 and later read tensor-cache.json; older versions ndarray-cache.json.
  await put(MODEL_CACHE_SCOPE, 'tensor-cache.json', manifestJson, 'application/json');
  await put(MODEL_CACHE_SCOPE, 'ndarray-cache.json', manifestJson, 'application/json');
  const chunks = new Map<MlcDtype, Uint8Array>();
  let written = 0;
  for (const shard of manifest.records) {
    signal.throwIfAborted();
    await put(MODEL_CACHE_SCOPE, shard.dataPath, syntheticShard(shard, chunks), 'application/octet-stream');
    written += shard.nbytes;
    onProgress({
      phase: 'preparing',
      fraction: written / manifest.metadata.ParamBytes,
      loadedBytes: written,
      totalBytes: manifest.metadata.ParamBytes,
      detail: 'Making synthetic weights (speed only, no quality)',
    });
  }
  const synthetic: WebLlm.ModelRecord = { ...entry, model: base };
  delete synthetic.integrity;
  return { entry: synthetic, downloadedBytes, weightBytes: manifest.metadata.ParamBytes, config };
}

/** Where web-llm keeps a small file of a model folder. */
function scopeOf(name: string): string {
  return name === 'mlc-chat-config.json' ? CONFIG_CACHE_SCOPE : MODEL_CACHE_SCOPE;
}

/** Deletes every synthetic entry from web-llm's scopes (never opening a scope that does not exist). */
export async function deleteSyntheticModels(): Promise<void> {
  if (!('caches' in globalThis)) return;
  for (const scope of [CONFIG_CACHE_SCOPE, MODEL_CACHE_SCOPE]) {
    if (!(await caches.has(scope))) continue;
    const cache = await caches.open(scope);
    for (const request of await cache.keys()) {
      if (new URL(request.url).host === SYNTHETIC_HOST) await cache.delete(request);
    }
  }
}
