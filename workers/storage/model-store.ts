/**
 * The Cache API scope transformers.js keeps model files in, handed to it as its cache
 * (`env.customCache`) so that a write the browser refuses is seen, and a stored entry is checked
 * before it is trusted. transformers.js itself only logs a refused write: in a private window
 * Chromium refuses entries over about 268 MB (`UnknownError`), and the model would silently
 * download again on every load.
 */
import { declaredLength } from '../../src/core/http-resume.js';

/** A file the browser would not store, and why. */
export interface RefusedWrite {
  url: string;
  bytes: number;
  reason: string;
}

export class ModelStore {
  /** Writes refused since the store was made (the engine reads the ones of its load). */
  readonly refused: RefusedWrite[] = [];

  /**
   * `downloaded(url)` gives the whole file of a download that just completed, as a Blob, when the
   * fetch layer kept one: stored as it is rather than as the copy the library hands over.
   */
  constructor(
    private readonly scope: string,
    private readonly downloaded: (url: string) => Blob | undefined = () => undefined,
  ) {}

  /**
   * The stored response for `url`, if its body holds the bytes its headers declare; an entry
   * that does not is deleted and reads as missing, so the file is fetched again.
   */
  async match(url: string): Promise<Response | undefined> {
    // No Cache API outside a secure context (a page served over plain HTTP): nothing is stored.
    if (!globalThis.caches) return undefined;
    const cache = await caches.open(this.scope);
    const response = await cache.match(url);
    if (!response) return undefined;
    const declared = declaredLength(response.headers);
    // Chromium answers a stored body's size from the entry's metadata, without reading it.
    if (declared !== undefined && (await response.clone().blob()).size !== declared) {
      console.warn(`[edge-llm] the stored ${url} does not hold the ${declared} bytes it declares; fetching it again.`);
      await cache.delete(url);
      return undefined;
    }
    return response;
  }

  async put(url: string, response: Response): Promise<void> {
    const bytes = declaredLength(response.headers) ?? 0;
    const whole = this.downloaded(url);
    const stored =
      whole && whole.size === bytes
        ? new Response(whole, { status: response.status, statusText: response.statusText, headers: response.headers })
        : response;
    try {
      if (!globalThis.caches)
        throw new Error('This page has no Cache API (it is not a secure context: https or localhost).');
      await (await caches.open(this.scope)).put(url, stored);
    } catch (error) {
      const { name, message } = error as Error;
      this.refused.push({ url, bytes, reason: `${name ?? 'Error'}: ${message ?? String(error)}` });
      console.warn(`[edge-llm] the browser refused to store ${url} (${bytes} bytes):`, error);
      throw error;
    }
  }

  /** The refused writes of files under `folderUrl`, forgotten once read. */
  takeRefused(folderUrl: string): RefusedWrite[] {
    const mine = this.refused.filter((write) => write.url.startsWith(folderUrl));
    const others = this.refused.filter((write) => !write.url.startsWith(folderUrl));
    this.refused.splice(0, this.refused.length, ...others);
    return mine;
  }
}
