/**
 * One loaded model per engine, model and device on a page, however many elements use it.
 *
 * Elements lease an entry; the first lease starts a worker, every lease shares its single
 * load, replies are served one at a time, and the worker is ended when the last lease is
 * released. Two different models each get their own worker (and their own memory figures).
 */
import type {
  CustomModelSource,
  GenerateRequest,
  GenerationStats,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
  TokenBatch,
} from '../shared/engine-api.js';
import { edgeError, ERROR_NAMES } from '../core/errors.js';
import { modelKeyId, type ModelKey } from '../core/model-key.js';
import { EngineClient, type WorkerFactory } from './engine-client.js';
import { modelTabs, type ModelClaim, type ModelTabs } from './model-tabs.js';

export type { ModelKey };

/**
 * What to do when another tab holds the model: `one-copy` refuses (model-in-another-tab),
 * `move-here` asks that tab to let go and waits, `second-copy` loads a second copy anyway.
 */
export type TabCopy = 'one-copy' | 'move-here' | 'second-copy';

export interface PoolLoadOptions {
  custom?: CustomModelSource;
  copy?: TabCopy;
  /** The model's declared GPU memory, for the message about a second copy. */
  declaredMemoryMB?: number;
}

class PoolEntry {
  refs = 0;
  readonly client: EngineClient;
  private report: LoadReport | undefined;
  private loading: Promise<LoadReport> | undefined;
  private readonly progressListeners = new Set<(progress: LoadProgress) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private claim: ModelClaim | undefined;
  readonly movedAwayListeners = new Set<() => void>();

  constructor(
    readonly key: ModelKey,
    createWorker: WorkerFactory | undefined,
    private readonly tabs: ModelTabs,
  ) {
    this.client = new EngineClient(createWorker);
    // A crashed worker has lost its model: the next load starts from scratch.
    this.client.onCrash(() => this.forget());
  }

  /** Loads the model once for every lease; later callers share the load or its result. */
  load(onProgress: (progress: LoadProgress) => void, options: PoolLoadOptions = {}): Promise<LoadReport> {
    if (this.report) return Promise.resolve(this.report);
    this.progressListeners.add(onProgress);
    this.loading ??= this.claimModel(options)
      .then(() =>
        this.client.load(
          this.key.engine,
          this.key.model,
          (progress) => {
            for (const listener of this.progressListeners) listener(progress);
          },
          {
            device: this.key.device,
            ...(this.key.threads === undefined ? {} : { threads: this.key.threads }),
            custom: options.custom,
          },
        ),
      )
      .then(
        (report) => {
          this.report = report;
          return report;
        },
        (error: unknown) => {
          this.forget();
          throw error;
        },
      )
      .finally(() => {
        this.loading = undefined;
        this.progressListeners.clear();
      });
    return this.loading;
  }

  get loaded(): boolean {
    return this.report !== undefined;
  }

  /** Replies are served one at a time: the engine holds one conversation state. */
  generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats> {
    const turn = this.queue.then(() => this.client.generate(request, onTokens));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  interrupt(): Promise<void> {
    return this.client.interrupt();
  }

  cancelLoad(): Promise<void> {
    return this.client.cancelLoad();
  }

  async unload(): Promise<void> {
    // The tab's hold on the model passes on only once its memory is freed.
    const claim = this.claim;
    this.claim = undefined;
    this.forget();
    try {
      await this.client.unload();
    } finally {
      claim?.release();
    }
  }

  /** A fresh worker for the next load: the old one's model sat on a GPU device that is gone. */
  restart(): void {
    this.forget();
    this.client.restart();
  }

  memory(): Promise<MemorySnapshot> {
    return this.client.memory();
  }

  forget(): void {
    this.report = undefined;
    this.claim?.release();
    this.claim = undefined;
  }

  /** Holds the model for this tab, unless the user chose a second copy (see model-tabs.ts). */
  private async claimModel({ copy = 'one-copy', declaredMemoryMB }: PoolLoadOptions): Promise<void> {
    if (copy === 'second-copy') return;
    const id = modelKeyId(this.key);
    const onMove = () => this.moveAway();
    if (copy === 'move-here') {
      try {
        this.claim = await this.tabs.takeOver(id, onMove);
      } catch (error) {
        throw edgeError(ERROR_NAMES.modelMoveFailed, (error as Error).message);
      }
      return;
    }
    this.claim = await this.tabs.claim(id, onMove);
    if (!this.claim) {
      throw edgeError(
        ERROR_NAMES.modelInAnotherTab,
        `${this.key.model} is loaded in another tab of this site.`,
        declaredMemoryMB === undefined
          ? { model: this.key.model }
          : { model: this.key.model, memoryMB: declaredMemoryMB },
      );
    }
  }

  /** Another tab asked for this model: stop a reply, unload, and tell the elements using it. */
  private async moveAway(): Promise<void> {
    await this.client.interrupt().catch(() => undefined);
    await this.unload().catch(() => undefined);
    for (const listener of this.movedAwayListeners) listener();
  }
}

/** What an element holds while it uses a model. */
export interface EngineLease {
  readonly key: ModelKey;
  readonly client: EngineClient;
  readonly loaded: boolean;
  load(onProgress: (progress: LoadProgress) => void, options?: PoolLoadOptions): Promise<LoadReport>;
  /** Called when another tab took the model over (it is unloaded here); returns a stop function. */
  onMovedAway(listener: () => void): () => void;
  generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats>;
  interrupt(): Promise<void>;
  cancelLoad(): Promise<void>;
  /** Frees the model for every element sharing it. */
  unload(): Promise<void>;
  /**
   * Replaces the worker, for every element sharing it, so the next load starts on a new GPU
   * device (after a device loss). The loaded model is gone.
   */
  restart(): void;
  memory(): Promise<MemorySnapshot>;
  release(): void;
}

export class EnginePool {
  private readonly entries = new Map<string, PoolEntry>();

  constructor(
    private readonly createWorker?: () => WorkerFactory | undefined,
    private readonly tabs: ModelTabs = modelTabs(),
  ) {}

  /** Workers alive now, for tests and the stats. */
  get size(): number {
    return this.entries.size;
  }

  acquire(key: ModelKey): EngineLease {
    const id = modelKeyId(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = new PoolEntry(key, this.createWorker?.(), this.tabs);
      this.entries.set(id, entry);
    }
    entry.refs += 1;
    const held = entry;
    let released = false;
    return {
      key,
      client: held.client,
      get loaded() {
        return held.loaded;
      },
      load: (onProgress, options) => held.load(onProgress, options),
      onMovedAway: (listener) => {
        held.movedAwayListeners.add(listener);
        return () => held.movedAwayListeners.delete(listener);
      },
      generate: (request, onTokens) => held.generate(request, onTokens),
      interrupt: () => held.interrupt(),
      cancelLoad: () => held.cancelLoad(),
      unload: () => held.unload(),
      restart: () => held.restart(),
      memory: () => held.memory(),
      release: () => {
        if (released) return;
        released = true;
        held.refs -= 1;
        // An element moved within the page disconnects and reconnects at once: wait a task
        // before ending a worker whose model would have to be loaded again.
        setTimeout(() => {
          if (held.refs > 0 || this.entries.get(id) !== held) return;
          this.entries.delete(id);
          held.client.dispose();
        });
      },
    };
  }
}
