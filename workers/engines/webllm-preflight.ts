/**
 * The checks before web-llm sees a model: the two files that fail most often and most obscurely
 * (the chat config and the compiled model library) are fetched and checked here, with real bytes
 * of progress, so a 404, an error page or a non-library each get their own message; and the
 * weights are refused up front when the storage quota cannot hold them.
 */
import type * as WebLlm from '@mlc-ai/web-llm';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { kvBytesPerTokenFromConfig } from '../../src/core/roofline.js';
import { ensureRoomFor } from '../storage/model-cache.js';
import type { EngineProgress } from './engine.js';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** web-llm's Cache API scope for model libraries; a preflighted library is stored there. */
export const WASM_CACHE_SCOPE = 'webllm/wasm';
/** web-llm's Cache API scope for chat configs. */
export const CONFIG_CACHE_SCOPE = 'webllm/config';
/** web-llm's Cache API scope for tensor-cache manifests, tokenizers and weight shards. */
export const MODEL_CACHE_SCOPE = 'webllm/model';

export interface ChatConfig {
  context_window_size?: number;
  quantization?: string;
  model_config?: unknown;
}

/** KV-cache bytes per token: MLC keeps the cache in the activation type its quantization names. */
export function kvBytesFromChatConfig(config: ChatConfig | undefined): number | undefined {
  const quantization = typeof config?.quantization === 'string' ? config.quantization : '';
  const bytesPerValue = /f32/.test(quantization) ? 4 : /f16/.test(quantization) ? 2 : undefined;
  return bytesPerValue ? kvBytesPerTokenFromConfig(config?.model_config, bytesPerValue) : undefined;
}
/** web-llm's Cache API scopes for a model's config and tensor-cache manifest, and for its weight shards. */
export const MODEL_CACHE_SCOPES = ['webllm/config', 'webllm/model'];

/** web-llm's own URL normalisation: a model folder URL ends in `/resolve/<revision>/`. */
export function modelBaseUrl(model: string): string {
  let url = model.endsWith('/') ? model : `${model}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url).href;
}

/** Whether web-llm caches this library itself (it skips the cache for localhost and relative URLs). */
function webLlmCachesLibrary(url: string): boolean {
  return url.startsWith('http') && !url.includes('localhost');
}

/** Fetches and checks the chat config and the model library, reporting real bytes. */
export async function preflight(
  entry: WebLlm.ModelRecord,
  onProgress: (progress: EngineProgress) => void,
  signal: AbortSignal,
): Promise<{ libraryBytes: number; contextWindow: number | undefined; config: ChatConfig | undefined }> {
  let contextWindow: number | undefined;
  let chatConfig: ChatConfig | undefined;
  if (entry.model_manifest === undefined) {
    const configUrl = new URL('mlc-chat-config.json', modelBaseUrl(entry.model)).href;
    onProgress({ phase: 'preparing', fraction: undefined, detail: `Fetching model configuration from ${configUrl}` });
    const response = await readThrough(CONFIG_CACHE_SCOPE, configUrl, signal);
    if (!response.ok) {
      throw edgeError(ERROR_NAMES.modelConfigInvalid, `The model configuration is missing (HTTP ${response.status}).`, {
        url: configUrl,
        status: response.status,
      });
    }
    const config = (await response
      .clone()
      .json()
      .catch(() => undefined)) as ChatConfig | undefined;
    if (!config || typeof config !== 'object') {
      throw edgeError(ERROR_NAMES.modelConfigInvalid, 'The model configuration is not valid JSON.', {
        url: configUrl,
      });
    }
    // Stored where web-llm looks first, so its own read of the config costs no second download.
    await keep(CONFIG_CACHE_SCOPE, configUrl, response);
    if (typeof config.context_window_size === 'number' && config.context_window_size > 0) {
      contextWindow = config.context_window_size;
    }
    chatConfig = config;
  }

  const { downloadedBytes: libraryBytes } = await fetchLibrary(entry.model_lib, onProgress, signal, false);
  // The weights are refused up front when the storage quota cannot hold them; checked after
  // the library, so a model whose library is missing never costs a weights request.
  const weights = await declaredWeightBytes(entry, signal);
  if (weights !== undefined) await ensureRoomFor(weights);
  return { libraryBytes, contextWindow, config: chatConfig };
}

/**
 * The model library, from web-llm's library cache when it is there, else downloaded and checked
 * (and stored where web-llm looks for it, for the URLs web-llm caches). `wantBytes: false` spares
 * reading a stored copy that only needs to exist.
 */
export async function fetchLibrary(
  libraryUrl: string,
  onProgress: (progress: EngineProgress) => void,
  signal: AbortSignal,
  wantBytes = true,
): Promise<{ bytes: Uint8Array | undefined; downloadedBytes: number }> {
  const cache =
    webLlmCachesLibrary(libraryUrl) && 'caches' in globalThis ? await caches.open(WASM_CACHE_SCOPE) : undefined;
  const stored = await cache?.match(libraryUrl);
  if (stored) return { bytes: wantBytes ? new Uint8Array(await stored.arrayBuffer()) : undefined, downloadedBytes: 0 };
  const bytes = await downloadLibrary(libraryUrl, onProgress, signal);
  await cache?.put(libraryUrl, new Response(bytes, { headers: { 'content-type': 'application/wasm' } }));
  return { bytes, downloadedBytes: bytes.byteLength };
}

/** The weight shards' total size as the model's tensor cache declares it; undefined when unknown. */
async function declaredWeightBytes(entry: WebLlm.ModelRecord, signal: AbortSignal): Promise<number | undefined> {
  try {
    const url = new URL('tensor-cache.json', modelBaseUrl(entry.model)).href;
    const response = await readThrough(MODEL_CACHE_SCOPE, url, signal);
    if (!response.ok) return undefined;
    const manifest = (await response.clone().json()) as { records?: { nbytes?: unknown }[] };
    const sizes = (manifest.records ?? []).map((record) => record.nbytes);
    if (sizes.length === 0 || !sizes.every((n) => typeof n === 'number' && n >= 0)) return undefined;
    // Stored where web-llm reads the manifest from (fetchTensorCache), so it is downloaded once.
    await keep(MODEL_CACHE_SCOPE, url, response);
    return (sizes as number[]).reduce((sum, n) => sum + n, 0);
  } catch (error) {
    if (signal.aborted) throw error;
    // web-llm fetches the manifest itself and reports its own failure; this check only helps.
    return undefined;
  }
}

/** The chat config web-llm cached on an earlier load, for figures the preflight would have read. */
export async function cachedChatConfig(entry: WebLlm.ModelRecord): Promise<ChatConfig | undefined> {
  if (!('caches' in globalThis)) return undefined;
  try {
    const url = new URL('mlc-chat-config.json', modelBaseUrl(entry.model)).href;
    const response = await (await caches.open(CONFIG_CACHE_SCOPE)).match(url);
    return (await response?.json()) as ChatConfig | undefined;
  } catch {
    return undefined;
  }
}

async function downloadLibrary(
  url: string,
  onProgress: (progress: EngineProgress) => void,
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const detail = `Downloading model library ${url}`;
  onProgress({ phase: 'downloading', fraction: undefined, loadedBytes: 0, detail });
  const response = await fetchOrExplain(url, signal);
  if (!response.ok) {
    throw edgeError(
      response.status === 404 || response.status === 410 ? ERROR_NAMES.modelLibMissing : ERROR_NAMES.downloadFailed,
      `The model library could not be downloaded (HTTP ${response.status}).`,
      { url, status: response.status },
    );
  }
  const total = Number(response.headers.get('content-length')) || undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress({
        phase: 'downloading',
        fraction: total ? loaded / total : undefined,
        loadedBytes: loaded,
        totalBytes: total,
        detail,
      });
    }
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const hasMagic = WASM_MAGIC.every((byte, index) => bytes[index] === byte);
  if (!hasMagic || !WebAssembly.validate(bytes)) {
    throw edgeError(
      ERROR_NAMES.modelLibInvalid,
      hasMagic ? 'The model library is not valid WebAssembly.' : 'The model library is not a WebAssembly file.',
      { url, bytes: loaded },
    );
  }
  return bytes;
}

/** web-llm's stored copy of a small file when it has one (it reads that copy first), else the network's. */
export async function readThrough(scope: string, url: string, signal: AbortSignal): Promise<Response> {
  const stored =
    'caches' in globalThis ? await (await caches.open(scope)).match(url).catch(() => undefined) : undefined;
  return stored ?? fetchOrExplain(url, signal);
}

/** Stores a checked file where web-llm will look for it; a refused write only costs a second download. */
async function keep(scope: string, url: string, response: Response): Promise<void> {
  if (!('caches' in globalThis)) return;
  const cache = await caches.open(scope);
  if (await cache.match(url)) return;
  await cache.put(url, response).catch(() => undefined);
}

export async function fetchOrExplain(url: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw edgeError(
      ERROR_NAMES.downloadFailed,
      `Could not reach ${url}: ${String((error as Error).message ?? error)}`,
      {
        url,
      },
    );
  }
}
