/**
 * The files of a transformers.js model folder: where they live, whether they are stored, what a
 * load will still fetch, and what a failure to read them means.
 */
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { transformersHubFolderUrl } from '../../src/core/mirror-urls.js';
import {
  onnxFileForDtype,
  parseTransformersModelId,
  TRANSFORMERS_CATALOG,
} from '../../src/core/transformers-catalog.js';

/** The Cache API scope transformers.js stores model files in. */
export const CACHE_KEY = 'transformers-cache';
/** The files every load reads; a model counts as stored when all are in the cache. */
const SHARED_FILES = ['config.json', 'tokenizer.json'];
/** Messages ONNX Runtime and transformers.js give for a model or config file they cannot read. */
export const UNREADABLE_FILE =
  /protobuf|failed to load model|Can't create a session|invalid model|ERROR_CODE: [17]\b|JSON/i;

/** Where a catalog id's files live: a hub repository (or its mirror), or a self-hosted folder URL. */
export function locate(source: string, mirror?: string): { isUrl: boolean; folderUrl: string } {
  const isUrl = /^https?:\/\//.test(source);
  return { isUrl, folderUrl: isUrl ? `${source.replace(/\/+$/, '')}/` : transformersHubFolderUrl(source, mirror) };
}

/** Whether every file a load of `modelId` reads is stored. */
export async function isStored(modelId: string, mirror?: string): Promise<boolean> {
  const { source, dtype } = parseTransformersModelId(modelId);
  // A self-hosted folder is fetched as a remote host too, so its files are cached the same way.
  const { folderUrl } = locate(source, mirror);
  if (!('caches' in globalThis)) return false;
  try {
    const cache = await caches.open(CACHE_KEY);
    const files = [...SHARED_FILES, onnxFileForDtype(dtype)];
    const hits = await Promise.all(files.map((file) => cache.match(new URL(file, folderUrl).href)));
    return hits.every(Boolean);
  } catch {
    return false;
  }
}

/**
 * A self-hosted folder (or mirror) must have the files a load needs; says which one is missing.
 * Returns their sizes by URL, where the host gives them.
 */
export async function checkFolder(
  head: (url: string) => Promise<Response>,
  folderUrl: string,
  dtype: string,
  signal: AbortSignal,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const file of [...SHARED_FILES, onnxFileForDtype(dtype)]) {
    const url = new URL(file, folderUrl).href;
    let response: Response;
    try {
      response = await head(url);
    } catch (error) {
      if (signal.aborted) throw error;
      throw edgeError(ERROR_NAMES.downloadFailed, `Could not reach ${url}.`, { url });
    }
    if (!response.ok) {
      throw edgeError(ERROR_NAMES.modelFileMissing, `The model folder has no ${file} (HTTP ${response.status}).`, {
        url,
        status: response.status,
      });
    }
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > 0) sizes.set(url, length);
  }
  return sizes;
}

/**
 * Bytes a load will still fetch: the folder's files by their HEAD sizes, or the catalog's size
 * of the weights file for a hub model, less what is already stored.
 */
export function bytesToFetch(
  stored: ReadonlySet<string>,
  source: string,
  folderUrl: string,
  dtype: string,
  sizes: Map<string, number> | undefined,
): number {
  if (sizes) {
    let total = 0;
    for (const [url, bytes] of sizes) if (!stored.has(url)) total += bytes;
    return total;
  }
  const fileMB = TRANSFORMERS_CATALOG.find((entry) => entry.repo === source)?.fileMB[dtype];
  const weights = new URL(onnxFileForDtype(dtype), folderUrl).href;
  return fileMB && !stored.has(weights) ? fileMB * 1e6 : 0;
}

/** A load failure in the words of the file that caused it, where one can be named. */
export function explainLoadFailure(error: unknown, folderUrl: string, dtype: string): unknown {
  const message = String((error as Error | undefined)?.message ?? error);
  if (/protobuf|failed to load model|Can't create a session|invalid model|ERROR_CODE: [17]\b/i.test(message)) {
    return edgeError(
      ERROR_NAMES.modelFileInvalid,
      `The ONNX model file is corrupt or not a model ONNX Runtime can run: ${message}`,
      { url: new URL(onnxFileForDtype(dtype), folderUrl).href },
    );
  }
  if (/JSON/i.test(message)) {
    return edgeError(ERROR_NAMES.modelConfigInvalid, `A model file is not valid JSON: ${message}`, {
      url: folderUrl,
    });
  }
  return error;
}
