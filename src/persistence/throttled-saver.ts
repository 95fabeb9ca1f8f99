/**
 * Saves at most once per interval while something changes quickly (a streaming reply), and at
 * once when asked (a turn boundary). Writes never overlap and land in the order they were made,
 * so an older snapshot can never overwrite a newer one. The snapshot is taken when the write
 * starts, so a delayed write saves the latest state.
 */
export interface SaverTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: SaverTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ThrottledSaver<T> {
  private timer: unknown;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly snapshot: () => T,
    private readonly write: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly timers: SaverTimers = browserTimers,
  ) {}

  /** True while a throttled write is waiting for its turn. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Saves within the interval; calls before then share that one write. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.enqueue();
    }, this.intervalMs);
  }

  /** Saves now (dropping any throttled write, which this one supersedes). */
  flush(): Promise<void> {
    this.cancel();
    return this.enqueue();
  }

  /** Drops a throttled write that has not started. */
  cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once every write asked for so far has finished. */
  settled(): Promise<void> {
    return this.chain;
  }

  /**
   * Drops any throttled write and runs `task` after the writes already started (deleting the
   * record, say), so none of them can land after it.
   */
  replaceWith(task: () => Promise<void>): Promise<void> {
    this.cancel();
    return this.queue(task);
  }

  private enqueue(): Promise<void> {
    return this.queue(() => this.write(this.snapshot()));
  }

  private queue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        await task();
      } catch (error) {
        this.onError(error);
      }
    });
    return this.chain;
  }
}
