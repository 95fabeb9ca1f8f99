/**
 * The page's handle on the engine worker: starts it lazily, streams through `Comlink.proxy`
 * callbacks, and turns a worker that dies into an error every pending call receives (comlink
 * alone would leave them waiting forever). To cancel, it interrupts the engine; it never kills
 * the worker, since reloading a model costs seconds to minutes.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import '../shared/comlink-errors.js';
import type {
  CachedModel,
  ChatMessage,
  CustomModelSource,
  DeviceLoss,
  DeviceReport,
  EngineId,
  EngineWorkerApi,
  ForcedChoices,
  ForcedInput,
  GenerateRequest,
  GenerationStats,
  GpuProbeOptions,
  GpuProbeReport,
  LoadOptions,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
  ModelRecord,
  PromptTokenCount,
  TokenBatch,
} from '../shared/engine-api.js';
import { edgeError, ERROR_NAMES } from '../core/errors.js';
import engineWorkerUrl from '../../workers/engine.worker.ts?worker&url';

export type WorkerFactory = () => Worker;

/**
 * Starts the engine worker from `url`. A page may load edge-llm from another origin, and
 * browsers refuse a worker script from another origin: there the worker is a same-origin blob
 * that imports the real module (which the host serves with CORS), so the module's own URL,
 * and every chunk it loads relative to it, stay on the library's origin.
 */
export function startEngineWorker(url: string | URL): Worker {
  const absolute = new URL(url, import.meta.url);
  const options: WorkerOptions = { type: 'module', name: 'edge-llm-engine' };
  if (absolute.origin === globalThis.location?.origin) return new Worker(absolute, options);
  const bootstrap = new Blob([`import ${JSON.stringify(absolute.href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(bootstrap), options);
}

const defaultWorkerFactory: WorkerFactory = () => startEngineWorker(engineWorkerUrl);

function crashError(detail: string): Error {
  return edgeError(ERROR_NAMES.workerCrashed, `The engine worker stopped: ${detail}`);
}

export class EngineClient {
  private worker: Worker | undefined;
  private remote: Remote<EngineWorkerApi> | undefined;
  /**
   * The calls waiting on the current worker, failed together when it crashes or is replaced. A
   * set, not a race against one long-lived "crashed" promise: each race would leave a reaction on
   * that promise for the worker's lifetime (found by the soak: the page heap grew with every call).
   */
  private waiting: Set<(error: Error) => void> | undefined;
  private readonly crashListeners = new Set<(error: Error) => void>();
  private readonly lossListeners = new Set<(loss: DeviceLoss) => void>();
  /** The worker that has been asked to report device losses (each new worker is asked again). */
  private watchedWorker: Worker | undefined;

  constructor(private readonly createWorker: WorkerFactory = defaultWorkerFactory) {}

  /** True while a worker is running. */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Called once each time the worker dies, with the error pending calls received. */
  onCrash(listener: (error: Error) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /**
   * Called as soon as the worker's engines lose a GPU device. The model is unusable until it is
   * loaded again (see {@link restart}).
   */
  onDeviceLost(listener: (loss: DeviceLoss) => void): () => void {
    this.lossListeners.add(listener);
    if (this.worker && this.remote) this.watchDeviceLoss(this.worker, this.remote);
    return () => this.lossListeners.delete(listener);
  }

  /**
   * For testing recovery paths only: destroys the worker's GPU devices as a lost GPU would
   * (see {@link EngineWorkerApi.loseDevice}). Resolves with how many it destroyed.
   */
  loseDevice(): Promise<number> {
    return this.call((api) => api.loseDevice());
  }

  probeDevice(): Promise<DeviceReport> {
    return this.call((api) => api.probeDevice());
  }

  /** Runs the GPU probe (bandwidth, matmul, 4-bit mat-vec kernels, each checked) in the worker. */
  probeGpu(options?: GpuProbeOptions): Promise<GpuProbeReport> {
    return this.call((api) => api.probeGpu(options));
  }

  listModels(engine: EngineId, custom?: CustomModelSource): Promise<ModelRecord[]> {
    return this.call((api) => api.listModels(engine, custom));
  }

  load(
    engine: EngineId,
    modelId: string,
    onProgress: (progress: LoadProgress) => void,
    options?: LoadOptions,
  ): Promise<LoadReport> {
    return this.call((api) => api.load(engine, modelId, proxy(onProgress), options));
  }

  cancelLoad(): Promise<void> {
    return this.call((api) => api.cancelLoad());
  }

  /**
   * Streams a reply. Resolves only after every token batch has been delivered to `onTokens`:
   * batches travel on the callback's own port and may arrive after the result does.
   */
  async generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats> {
    let received = 0;
    let allReceived: (() => void) | undefined;
    let expected = Infinity;
    const counted = (batch: TokenBatch) => {
      received += 1;
      onTokens(batch);
      if (received >= expected) allReceived?.();
    };
    const stats = await this.call((api) => api.generate(request, proxy(counted)));
    if (received < stats.batches) {
      expected = stats.batches;
      await this.call(() => new Promise<void>((resolve) => (allReceived = resolve)));
    }
    return stats;
  }

  /** The prompt's size for the loaded model (see {@link EngineWorkerApi.countPromptTokens}). */
  countPromptTokens(messages: ChatMessage[]): Promise<PromptTokenCount> {
    return this.call((api) => api.countPromptTokens(messages));
  }

  interrupt(): Promise<void> {
    return this.call((api) => api.interrupt());
  }

  unload(): Promise<void> {
    return this.call((api) => api.unload());
  }

  memory(): Promise<MemorySnapshot> {
    return this.call((api) => api.memory());
  }

  lastOutputTokenIds(): Promise<number[] | undefined> {
    return this.call((api) => api.lastOutputTokenIds());
  }

  /** Teacher forcing on the loaded model (see {@link EngineWorkerApi.forcedChoices}). */
  forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    return this.call((api) => api.forcedChoices(input));
  }

  /** Every model stored in the browser, for every engine, with sizes and last use. */
  cachedModels(): Promise<CachedModel[]> {
    return this.call((api) => api.cachedModels());
  }

  /** Deletes every stored file of one model through its engine. */
  deleteCachedModel(engine: EngineId, key: string): Promise<void> {
    return this.call((api) => api.deleteCachedModel(engine, key));
  }

  /** Replaces a crashed (or healthy) worker with a fresh one. Loaded models are gone. */
  restart(): void {
    this.dispose();
    this.start();
  }

  dispose(): void {
    // Calls still waiting on this worker would otherwise wait forever (a reply queued behind
    // them too): they end as cancelled.
    this.failWaiting(edgeError(ERROR_NAMES.abort, 'The engine worker was replaced before this call finished.'));
    this.remote?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
    this.waiting = undefined;
  }

  private start(): Remote<EngineWorkerApi> {
    const worker = this.createWorker();
    this.waiting = new Set();
    const onFailure = (event: Event) => {
      const message =
        event instanceof ErrorEvent && event.message ? event.message : 'the worker failed to start or threw';
      console.error(
        '[edge-llm] engine worker error:',
        event instanceof ErrorEvent ? (event.error ?? event.message) : event,
      );
      this.failWorker(worker, crashError(message));
    };
    worker.addEventListener('error', onFailure);
    worker.addEventListener('messageerror', onFailure);
    this.worker = worker;
    this.remote = wrap<EngineWorkerApi>(worker);
    if (this.lossListeners.size > 0) this.watchDeviceLoss(worker, this.remote);
    return this.remote;
  }

  private watchDeviceLoss(worker: Worker, remote: Remote<EngineWorkerApi>): void {
    if (this.watchedWorker === worker) return;
    this.watchedWorker = worker;
    const notify = (loss: DeviceLoss) => {
      if (this.worker !== worker) return;
      for (const listener of this.lossListeners) listener(loss);
    };
    void remote.watchDeviceLoss(proxy(notify)).catch(() => undefined);
  }

  private failWorker(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.failWaiting(error);
    this.dispose();
    for (const listener of this.crashListeners) listener(error);
  }

  private failWaiting(error: Error): void {
    const waiting = this.waiting;
    this.waiting = new Set();
    for (const fail of waiting ?? []) fail(error);
  }

  // Async so that a worker that cannot start rejects the call rather than throwing at the caller.
  private async call<T>(run: (api: Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    const api = this.remote ?? this.start();
    const waiting = this.waiting!;
    return new Promise<T>((resolve, reject) => {
      waiting.add(reject);
      run(api)
        .then(resolve, reject)
        .finally(() => waiting.delete(reject));
    });
  }
}
