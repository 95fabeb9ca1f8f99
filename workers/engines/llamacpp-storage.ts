/**
 * llama.cpp's stored models: wllama keeps each downloaded GGUF file in the origin private file
 * system (its CacheManager), keyed by the file's URL. Listed and deleted through wllama's own
 * API, one entry per model (a split model's parts together).
 *
 * wllama writes a file's metadata only after its last byte is stored, and treats a file without
 * metadata as an interrupted download: it is never loaded, and the next load fetches it again.
 */
import type { CacheEntry, CacheManager } from '@wllama/wllama';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import type { StoredFile } from '../../src/core/storage.js';
import { ggufPartUrls } from '../../src/core/llamacpp-catalog.js';

/** The model a stored part belongs to: the URL of its first part. */
export function modelUrlOf(partUrl: string): string {
  return ggufPartUrls(partUrl)[0] ?? partUrl;
}

/** wllama's folder in the origin private file system (its CacheManager's `cache`). */
const WLLAMA_FOLDER = 'cache';

/**
 * Whether wllama ever stored anything here: its folder exists. Read without wllama, so that
 * listing stored models does not download llama.cpp's runtime before the engine is chosen.
 */
export async function wllamaEverStored(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.getDirectory) return false;
  try {
    await (await storage.getDirectory()).getDirectoryHandle(WLLAMA_FOLDER);
    return true;
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    // No folder: nothing stored. No origin private file system (some private windows): wllama
    // cannot store anything either.
    if (name === 'NotFoundError' || name === 'SecurityError' || name === 'TypeMismatchError') return false;
    throw error;
  }
}

/** Complete files only (an interrupted download has no URL yet), with the model they belong to. */
export async function storedGgufFiles(cache: CacheManager): Promise<StoredFile[]> {
  let entries: CacheEntry[];
  try {
    entries = await cache.list();
  } catch (error) {
    // wllama creates its folder on first use; with the quota full even that fails, and then
    // nothing is stored.
    if ((error as Error | undefined)?.name === 'QuotaExceededError') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.metadata.originalURL && entry.metadata.originalSize === entry.size)
    .map((entry) => ({
      url: entry.metadata.originalURL,
      bytes: entry.size,
      folder: modelUrlOf(entry.metadata.originalURL),
    }));
}

/** True when every part of the model is stored whole. */
export async function isStored(cache: CacheManager, modelUrl: string): Promise<boolean> {
  const stored = new Set((await storedGgufFiles(cache)).map((file) => file.url));
  return ggufPartUrls(modelUrl).every((url) => stored.has(url));
}

/** Deletes every part of a model, and any interrupted download of one of them. */
export async function deleteGgufModel(cache: CacheManager, modelUrl: string): Promise<void> {
  const parts = new Set(ggufPartUrls(modelUrl));
  const names = new Set(await Promise.all([...parts].map((url) => cache.getNameFromURL(url))));
  await cache.deleteMany((entry) => parts.has(entry.metadata.originalURL) || names.has(entry.name));
}

/** Bytes of the parts not stored yet, from the server's sizes (HEAD) or the catalog's. */
export async function bytesToFetch(
  cache: CacheManager,
  modelUrl: string,
  declaredBytes: number | undefined,
  signal: AbortSignal,
): Promise<number> {
  const stored = new Set((await storedGgufFiles(cache)).map((file) => file.url));
  const missing = ggufPartUrls(modelUrl).filter((url) => !stored.has(url));
  if (missing.length === 0) return 0;
  let total = 0;
  for (const url of missing) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'HEAD', signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw edgeError(ERROR_NAMES.downloadFailed, `Could not reach ${url}.`, { url });
    }
    if (!response.ok) {
      throw edgeError(ERROR_NAMES.modelFileMissing, `The model file is not there (HTTP ${response.status}).`, {
        url,
        status: response.status,
      });
    }
    const length = Number(response.headers.get('content-length'));
    // A server that sends no size: the catalog's size stands for the whole model.
    if (!Number.isFinite(length) || length <= 0) return declaredBytes ?? 0;
    total += length;
  }
  return total;
}
