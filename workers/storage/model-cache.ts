/**
 * The worker's view of stored model files: Cache API scopes read and pruned by URL prefix, the
 * quota check made before a download, and when each model was last used (IndexedDB, since
 * workers have no localStorage).
 */
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { storageShortfall, usageKey, type StoredFile } from '../../src/core/storage.js';
import type { EngineId } from '../../src/shared/engine-api.js';

/**
 * Bytes a stored body really holds. Not the content-length header, which a truncated or
 * rewritten entry can carry just as well; Chromium answers from the entry's metadata.
 */
async function sizeOf(response: Response): Promise<number> {
  return (await response.blob()).size;
}

/** Every file in the named Cache API scopes, with its size. */
export async function storedFiles(scopes: readonly string[]): Promise<StoredFile[]> {
  if (!('caches' in globalThis)) return [];
  const files: StoredFile[] = [];
  for (const scope of scopes) {
    if (!(await caches.has(scope))) continue;
    const cache = await caches.open(scope);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (response) files.push({ url: request.url, bytes: await sizeOf(response) });
    }
  }
  return files;
}

/** Deletes every entry whose URL starts with `prefix` from the named scopes; returns how many. */
export async function deleteStoredFiles(scopes: readonly string[], prefix: string): Promise<number> {
  if (!('caches' in globalThis)) return 0;
  let deleted = 0;
  for (const scope of scopes) {
    if (!(await caches.has(scope))) continue;
    const cache = await caches.open(scope);
    for (const request of await cache.keys()) {
      if (request.url.startsWith(prefix) && (await cache.delete(request))) deleted += 1;
    }
  }
  return deleted;
}

/**
 * Refuses a download that the quota cannot hold, before any byte is fetched, with the numbers.
 * `neededBytes` are the bytes still to download (files already stored do not count).
 */
export async function ensureRoomFor(neededBytes: number): Promise<void> {
  const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
  const shortfall = storageShortfall(neededBytes, estimate);
  if (!shortfall) return;
  throw edgeError(
    ERROR_NAMES.storageInsufficient,
    `The model needs ${shortfall.neededBytes} bytes; ${shortfall.freeBytes} of the ${shortfall.quotaBytes}-byte quota are free.`,
    { ...shortfall },
  );
}

const DB_NAME = 'edge-llm-usage';
const STORE = 'last-used';
/** Sizes of a model's stored files when a load from them last succeeded, by usage key. */
const MANIFESTS = 'manifests';

function openUsageDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE);
      request.result.createObjectStore(MANIFESTS);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`IndexedDB ${DB_NAME} could not be opened.`));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
  name = STORE,
): Promise<T> {
  const db = await openUsageDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(name, mode).objectStore(name));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed.'));
    });
  } finally {
    db.close();
  }
}

/** Records that a model (by its folder) was just loaded. Never fails a load. */
export async function recordUse(engine: EngineId, folder: string, at = Date.now()): Promise<void> {
  if (!('indexedDB' in globalThis)) return;
  await withStore('readwrite', (store) => store.put(at, usageKey(engine, folder))).catch(() => undefined);
}

export async function forgetUse(engine: EngineId, folder: string): Promise<void> {
  if (!('indexedDB' in globalThis)) return;
  await withStore('readwrite', (store) => store.delete(usageKey(engine, folder))).catch(() => undefined);
  await withStore('readwrite', (store) => store.delete(usageKey(engine, folder)), MANIFESTS).catch(() => undefined);
}

/** Records the sizes of a model's stored files after a load from them succeeded. */
export async function recordManifest(engine: EngineId, folder: string, files: readonly StoredFile[]): Promise<void> {
  if (!('indexedDB' in globalThis)) return;
  const sizes = Object.fromEntries(files.map((file) => [file.url, file.bytes]));
  await withStore('readwrite', (store) => store.put(sizes, usageKey(engine, folder)), MANIFESTS).catch(() => undefined);
}

/**
 * Stored files whose size differs from the size they had when a load from them last succeeded:
 * a truncated or overwritten entry. Empty when nothing was recorded.
 */
export async function damagedFiles(engine: EngineId, folder: string, files: readonly StoredFile[]): Promise<string[]> {
  if (!('indexedDB' in globalThis)) return [];
  const sizes = await withStore<Record<string, number> | undefined>(
    'readonly',
    (store) => store.get(usageKey(engine, folder)) as IDBRequest<Record<string, number> | undefined>,
    MANIFESTS,
  ).catch(() => undefined);
  if (!sizes) return [];
  return files.filter((file) => sizes[file.url] !== undefined && sizes[file.url] !== file.bytes).map((f) => f.url);
}

/** Every recorded last-used time, by {@link usageKey}. */
export async function lastUsedTimes(): Promise<Map<string, number>> {
  if (!('indexedDB' in globalThis)) return new Map();
  try {
    const db = await openUsageDb();
    try {
      return await new Promise((resolve, reject) => {
        const times = new Map<string, number>();
        const request = db.transaction(STORE, 'readonly').objectStore(STORE).openCursor();
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve(times);
          times.set(String(cursor.key), Number(cursor.value));
          cursor.continue();
        };
        request.onerror = () => reject(request.error ?? new Error('IndexedDB cursor failed.'));
      });
    } finally {
      db.close();
    }
  } catch {
    return new Map();
  }
}
