/**
 * Stored models and storage quota: grouping cache entries into models, and the check that
 * refuses a download the browser's quota cannot hold. Pure: no DOM, no worker, no engine import.
 */
import type { CachedModel, EngineId } from '../shared/engine-api.js';
import { llamaCppIdOfUrl } from './llamacpp-catalog.js';
import { ONNX_DTYPE_SUFFIX, onnxFileForDtype, transformersModelId } from './transformers-catalog.js';

/** One stored file: its URL (the cache key) and its size in bytes. */
export interface StoredFile {
  url: string;
  bytes: number;
  /** The model folder the file belongs to, when its URL does not say (a web-llm model library). */
  folder?: string;
}

/** What `navigator.storage.estimate()` says, in bytes. */
export interface StorageEstimate {
  usage: number;
  quota: number;
}

/** The numbers a refused download reports. */
export interface StorageShortfall {
  neededBytes: number;
  freeBytes: number;
  quotaBytes: number;
}

/**
 * Whether `neededBytes` more fit in the quota; the shortfall when they do not. An estimate
 * without a quota (some browsers give none) never refuses: the browser's own error remains.
 */
export function storageShortfall(
  neededBytes: number,
  estimate: Partial<StorageEstimate> | undefined,
): StorageShortfall | undefined {
  const quota = estimate?.quota;
  if (!quota || !Number.isFinite(quota) || neededBytes <= 0) return undefined;
  const freeBytes = Math.max(0, quota - (estimate?.usage ?? 0));
  return neededBytes > freeBytes ? { neededBytes, freeBytes, quotaBytes: quota } : undefined;
}

const HUB_FOLDER = /^https:\/\/huggingface\.co\/([^/]+\/[^/]+)\/resolve\/[^/]+\/$/;

/** The folder a transformers.js file was fetched from: everything before `onnx/` or the file name. */
export function transformersFolderOf(url: string): string {
  const onnx = url.indexOf('/onnx/');
  return onnx >= 0 ? url.slice(0, onnx + 1) : url.slice(0, url.lastIndexOf('/') + 1);
}

/** A web-llm file's model folder: everything up to `/resolve/<revision>/`, else the file's folder. */
export function webLlmFolderOf(url: string): string {
  const match = /^(.*?\/resolve\/[^/]+\/)/.exec(url);
  return match ? match[1]! : url.slice(0, url.lastIndexOf('/') + 1);
}

/** The weights variant an ONNX file holds ("onnx/model_q4.onnx" -> "q4"), if it is a decoder file. */
export function dtypeOfOnnxFile(path: string): string | undefined {
  const known = Object.keys(ONNX_DTYPE_SUFFIX).find((dtype) => onnxFileForDtype(dtype) === path);
  if (known) return known;
  return /^onnx\/model_([a-z0-9]+)\.onnx$/.exec(path)?.[1];
}

/** A folder's name as the visitor knows it: "org/name" on the hub, the last path segment elsewhere. */
export function folderName(folder: string): string {
  const hub = HUB_FOLDER.exec(folder);
  if (hub) return hub[1]!;
  const segments = new URL(folder).pathname.split('/').filter(Boolean);
  const resolve = segments.lastIndexOf('resolve');
  return (resolve > 0 ? segments[resolve - 1] : segments.at(-1)) ?? folder;
}

/** The catalog source of a transformers.js folder: the hub repository, or the folder URL. */
function transformersSource(folder: string): string {
  return HUB_FOLDER.exec(folder)?.[1] ?? folder.replace(/\/+$/, '');
}

/**
 * Groups stored files into one entry per model folder, largest first. `lastUsed` maps a folder
 * key to when that model was last loaded.
 */
export function groupStoredFiles(
  engine: EngineId,
  files: readonly StoredFile[],
  lastUsed: ReadonlyMap<string, number> = new Map(),
): CachedModel[] {
  const folders = new Map<string, StoredFile[]>();
  for (const file of files) {
    const folder =
      file.folder ?? (engine === 'transformers' ? transformersFolderOf(file.url) : webLlmFolderOf(file.url));
    folders.set(folder, [...(folders.get(folder) ?? []), file]);
  }
  return [...folders.entries()]
    .map(([key, entries]) => {
      // A GGUF model is a file (its first part, for a split model): named and identified by it.
      if (engine === 'llamacpp') {
        return {
          engine,
          key,
          name: key.split('/').at(-1) ?? key,
          modelIds: [llamaCppIdOfUrl(key)],
          bytes: entries.reduce((sum, file) => sum + file.bytes, 0),
          files: entries.length,
          lastUsed: lastUsed.get(usageKey(engine, key)),
        };
      }
      const modelIds =
        engine === 'transformers'
          ? entries
              .filter((file) => file.url.startsWith(key))
              .map((file) => dtypeOfOnnxFile(file.url.slice(key.length)))
              .filter((dtype): dtype is string => dtype !== undefined)
              .map((dtype) => transformersModelId(transformersSource(key), dtype))
              .sort()
          : [folderName(key)];
      return {
        engine,
        key,
        name: folderName(key),
        modelIds,
        bytes: entries.reduce((sum, file) => sum + file.bytes, 0),
        files: entries.length,
        lastUsed: lastUsed.get(usageKey(engine, key)),
      };
    })
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** The key last-used times are stored under. */
export function usageKey(engine: EngineId, folder: string): string {
  return `${engine}|${folder}`;
}

/** "3 min ago", "yesterday", "12 Mar 2025": when a model was last used, relative to `now`. */
export function formatLastUsed(at: number | undefined, now: number): string {
  if (at === undefined) return 'not recorded';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  const date = new Date(at);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    date.getUTCMonth()
  ];
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}`;
}
