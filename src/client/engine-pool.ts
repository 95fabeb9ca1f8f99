/**
 * One loaded model per engine, model and device on a page, however many elements use it.
 *
 * Elements lease an entry; the first lease starts a worker, every lease shares its single
 * load, replies are served one at a time, and the worker is ended when the last lease is
 * released. Two different models each get their own worker (and their own memory figures).
 */
import type {
  ChatMessage,
  CustomModelSource,
  GenerateRequest,
  GenerationStats,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
  PromptTokenCount,
  TokenBatch,
} from '../shared/engine-api.js';
import { modelKeyId, type ModelKey } from '../core/model-key.js';
import { EngineClient, type WorkerFactory } from './engine-client.js';

export type { ModelKey };

class PoolEntry {
  refs = 0;
  readonly client: EngineClient;
  private report: LoadReport | undefined;
  private loading: Promise<LoadReport> | undefined;
  private readonly progressListeners = new Set<(progress: LoadProgress) => void>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly key: ModelKey,
    createWorker: WorkerFactory | undefined,
  ) {
    this.client = new EngineClient(createWorker);
    // A crashed worker has lost its model: the next load starts from scratch.
    this.client.onCrash(() => this.forget());
  }

  /** Loads the model once for every lease; later callers share the load or its result. */
  load(onProgress: (progress: LoadProgress) => void, custom?: CustomModelSource): Promise<LoadReport> {
    if (this.report) return Promise.resolve(this.report);
    this.progressListeners.add(onProgress);
    this.loading ??= this.client
      .load(
        this.key.engine,
        this.key.model,
        (progress) => {
          for (const listener of this.progressListeners) listener(progress);
        },
        { device: this.key.device, ...(this.key.threads === undefined ? {} : { threads: this.key.threads }), custom },
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

  countPromptTokens(messages: ChatMessage[]): Promise<PromptTokenCount> {
    return this.client.countPromptTokens(messages);
  }

  interrupt(): Promise<void> {
    return this.client.interrupt();
  }

  cancelLoad(): Promise<void> {
    return this.client.cancelLoad();
  }

  async unload(): Promise<void> {
    this.forget();
    await this.client.unload();
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
  }
}

/** What an element holds while it uses a model. */
export interface EngineLease {
  readonly key: ModelKey;
  readonly client: EngineClient;
  readonly loaded: boolean;
  load(onProgress: (progress: LoadProgress) => void, custom?: CustomModelSource): Promise<LoadReport>;
  generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats>;
  /** The prompt's size for the loaded model, with its chat template (see engine-api.ts). */
  countPromptTokens(messages: ChatMessage[]): Promise<PromptTokenCount>;
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

  constructor(private readonly createWorker?: () => WorkerFactory | undefined) {}

  /** Workers alive now, for tests and the stats. */
  get size(): number {
    return this.entries.size;
  }

  acquire(key: ModelKey): EngineLease {
    const id = modelKeyId(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = new PoolEntry(key, this.createWorker?.());
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
      load: (onProgress, custom) => held.load(onProgress, custom),
      generate: (request, onTokens) => held.generate(request, onTokens),
      countPromptTokens: (messages) => held.countPromptTokens(messages),
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
