/**
 * The bytes of downloads that were cut off, kept so a retry can ask the host for the rest only.
 * They live in Blobs (the browser keeps large blobs outside the worker's heap, on disk when it
 * must), in this worker only: they are never written where a later load could mistake them for
 * a complete file, and a cancelled load drops them.
 */

/** Bytes collected before they become part of a Blob. */
const FLUSH_BYTES = 4 * 2 ** 20;

export interface PartialDownload {
  url: string;
  /** The `If-Range` value that ties the kept bytes to one version of the file. */
  validator: string;
  /** The file's full size. */
  total: number;
  /** Bytes kept, from the start of the file. */
  bytes: number;
}

class Entry implements PartialDownload {
  bytes = 0;
  private readonly parts: Blob[] = [];
  private pending: Uint8Array<ArrayBuffer>[] = [];
  private pendingBytes = 0;

  constructor(
    readonly url: string,
    readonly validator: string,
    readonly total: number,
    kept?: Blob,
  ) {
    if (kept && kept.size > 0) {
      this.parts.push(kept);
      this.bytes = kept.size;
    }
  }

  append(chunk: Uint8Array<ArrayBuffer>): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    this.bytes += chunk.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  blob(): Blob {
    this.flush();
    return new Blob(this.parts);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.parts.push(new Blob(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

export class PartialDownloads {
  private readonly entries = new Map<string, Entry>();
  /** Downloads that completed, as one Blob each, until the store takes them (see takeCompleted). */
  private readonly completed = new Map<string, Blob>();

  /**
   * Starts keeping the bytes of a download (replacing what was kept for `url`). `kept` are bytes
   * already held from an earlier attempt, which the new bytes continue.
   */
  begin(url: string, validator: string, total: number, kept?: Blob): { append(chunk: Uint8Array<ArrayBuffer>): void } {
    const entry = new Entry(url, validator, total, kept);
    this.entries.set(url, entry);
    return entry;
  }

  /** What is kept of `url`, if anything. */
  get(url: string): PartialDownload | undefined {
    const entry = this.entries.get(url);
    return entry && entry.bytes > 0 ? entry : undefined;
  }

  /** The kept bytes of `url` as one Blob (empty when nothing is kept). */
  blob(url: string): Blob {
    return this.entries.get(url)?.blob() ?? new Blob([]);
  }

  drop(url: string): void {
    this.entries.delete(url);
  }

  /** The download of `url` completed: its kept bytes are now the whole file, held for the store. */
  complete(url: string): void {
    const entry = this.entries.get(url);
    this.entries.delete(url);
    if (entry && entry.bytes === entry.total) this.completed.set(url, entry.blob());
  }

  /**
   * The whole file of a completed download, once. Storing this Blob instead of a second copy of
   * the bytes matters at real size: with the kept parts still alive, Chromium failed to store a
   * new 329 MB body in a normal profile ("UnknownError: Unexpected internal error").
   */
  takeCompleted(url: string): Blob | undefined {
    const blob = this.completed.get(url);
    this.completed.delete(url);
    return blob;
  }

  /** Drops everything kept for files whose URL starts with `prefix` (a model folder). */
  dropUnder(prefix: string): void {
    for (const url of [...this.entries.keys()]) if (url.startsWith(prefix)) this.entries.delete(url);
    for (const url of [...this.completed.keys()]) if (url.startsWith(prefix)) this.completed.delete(url);
  }

  /** Lets go of completed files the store never took (a load that ended, or a file not stored). */
  releaseCompleted(): void {
    this.completed.clear();
  }

  /** Every kept download, for figures and tests. */
  list(): PartialDownload[] {
    return [...this.entries.values()].filter((entry) => entry.bytes > 0);
  }
}
