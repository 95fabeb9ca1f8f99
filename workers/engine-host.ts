/**
 * The worker's side of the contract: one engine at a time, its GPU memory measured, its replies
 * timed by the worker's own clock and streamed to the page without ever waiting for it.
 */
import type {
  CachedModel,
  ChatMessage,
  CustomModelSource,
  DeviceLoss,
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
} from '../src/shared/engine-api.js';
import { estimatePromptTokens } from '../src/core/token-estimate.js';
import { engineName } from '../src/core/engines.js';
import { edgeError, ERROR_NAMES } from '../src/core/errors.js';
import { disagreements, wallClockFigures } from '../src/core/stats.js';
import { probeDevice } from './gpu/device-probe.js';
import { runGpuProbe } from './gpu/probe.js';
import type { GpuMemoryTracker } from './gpu/memory-tracker.js';
import type { Engine } from './engines/engine.js';
import { TokenBatcher } from './token-batcher.js';
import { groupStoredFiles } from '../src/core/storage.js';
import { forgetUse, lastUsedTimes, recordUse } from './storage/model-cache.js';

/** Engines whose models are stored in the browser (the test double stores nothing). */
const STORING_ENGINES: EngineId[] = ['webllm', 'transformers', 'llamacpp'];

/** Longest a load's result waits for the page to take its last progress report. */
const PROGRESS_DRAIN_MS = 1000;

export type EngineFactories = Record<EngineId, () => Promise<Engine>>;

function notLoaded(): Error {
  return edgeError(ERROR_NAMES.modelNotLoaded, 'Load a model before sending a message.');
}

export class EngineHost implements EngineWorkerApi {
  private readonly engines = new Map<EngineId, Promise<Engine>>();
  private active: { engine: Engine; modelId: string; compute: LoadReport['compute'] } | undefined;
  private loadController: AbortController | undefined;
  private readonly lossWatchers = new Set<(loss: DeviceLoss) => void>();

  constructor(
    private readonly factories: EngineFactories,
    private readonly tracker: GpuMemoryTracker,
    private readonly now: () => number = () => performance.now(),
  ) {
    tracker.onDeviceLost((info, counted) => {
      if (!counted) return;
      const loss = { reason: info.reason, message: info.message, lostDevices: tracker.totals().lostDevices };
      // Each watcher is a comlink proxy: the call posts a message; a page that is gone rejects.
      for (const watcher of this.lossWatchers) void Promise.resolve(watcher(loss)).catch(() => undefined);
    });
  }

  probeDevice() {
    return probeDevice();
  }

  /** The GPU probe on a device of its own, destroyed afterwards (so the tracker lets it go). */
  async probeGpu(options?: GpuProbeOptions, gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<GpuProbeReport> {
    if (!gpu) throw edgeError(ERROR_NAMES.webgpuNotAvailable, 'This browser has no WebGPU.');
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw edgeError(ERROR_NAMES.noAdapter, 'No GPU adapter was offered.');
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      },
    });
    try {
      return await runGpuProbe(device, options);
    } finally {
      device.destroy();
    }
  }

  async listModels(engineId: EngineId, custom?: CustomModelSource): Promise<ModelRecord[]> {
    return (await this.engine(engineId)).listModels(custom);
  }

  async load(
    engineId: EngineId,
    modelId: string,
    onProgress: (progress: LoadProgress) => void,
    options: LoadOptions = {},
  ): Promise<LoadReport> {
    this.loadController?.abort();
    const controller = new AbortController();
    this.loadController = controller;
    const engine = await this.engine(engineId);
    if (options.weights === 'synthetic' && !engine.syntheticWeights) {
      throw edgeError(
        ERROR_NAMES.syntheticUnsupported,
        `${engineName(engineId)} cannot make synthetic weights in the browser yet (llama.cpp can, from a GGUF file's header; web-llm from its model library).`,
      );
    }
    if (this.active && this.active.engine !== engine) await this.active.engine.unload();
    this.active = undefined;

    if (options.custom) engine.register?.(options.custom);
    const start = this.now();
    const elapsed = () => this.now() - start;
    // Progress travels on the callback's own port and could arrive after the result: the load
    // settles only once the page has seen its last progress report (bounded, so a frozen page
    // cannot hold the worker).
    let delivered: Promise<unknown> = Promise.resolve();
    const report = (progress: LoadProgress) => {
      delivered = Promise.resolve(onProgress(progress)).catch(() => undefined);
    };
    const settle = () => Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, PROGRESS_DRAIN_MS))]);
    let result: Awaited<ReturnType<Engine['load']>>;
    try {
      result = await engine.load(
        modelId,
        (progress) => {
          if (controller.signal.aborted) return;
          report({
            phase: progress.phase,
            fraction: progress.fraction,
            loadedBytes: progress.loadedBytes,
            totalBytes: progress.totalBytes,
            elapsedMs: elapsed(),
            detail: progress.detail,
          });
        },
        controller.signal,
        options,
      );
    } catch (error) {
      await settle();
      throw error;
    }
    if (this.loadController === controller) this.loadController = undefined;
    this.active = { engine, modelId, compute: result.compute };
    // Measured before the bookkeeping below: a load's time is the engine's, not ours.
    const durationMs = elapsed();
    // Synthetic weights are not the model: its stored files were not used.
    const storageKey = options.weights === 'synthetic' ? undefined : engine.storageKeyOf?.(modelId);
    if (storageKey) await recordUse(engineId, storageKey);
    report({
      phase: 'done',
      fraction: 1,
      loadedBytes: undefined,
      totalBytes: undefined,
      elapsedMs: durationMs,
      detail: '',
    });
    await settle();
    return {
      modelId,
      engine: engineId,
      fromCache: result.fromCache,
      durationMs,
      downloadedBytes: result.downloadedBytes,
      weightBytes: result.weightBytes,
      contextWindow: result.contextWindow,
      ...(result.kvBytesPerToken === undefined ? {} : { kvBytesPerToken: result.kvBytesPerToken }),
      ...(result.notStored ? { notStored: result.notStored } : {}),
      ...(result.compute ? { compute: result.compute } : {}),
    };
  }

  async cancelLoad(): Promise<void> {
    this.loadController?.abort();
    this.loadController = undefined;
  }

  async generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats> {
    const active = this.active;
    if (!active) throw notLoaded();
    this.tracker.resetPeak();
    const requestAt = this.now();
    const clock = () => this.now() - requestAt;
    // The callback is a comlink proxy: calling it posts a message and is never awaited.
    const batcher = new TokenBatcher((batch) => void onTokens(batch), clock);
    const result = await active.engine.generate(request, (text, tokens) => batcher.push(text, tokens));
    batcher.flush();
    const totalMs = clock();
    const wallClock = wallClockFigures({
      requestMs: 0,
      firstTokenMs: batcher.firstTokenAtMs,
      lastTokenMs: batcher.lastTokenAtMs,
      promptTokens: result.promptTokens,
      outputTokens: result.outputTokens || batcher.tokenCount,
    });
    const primary = result.figures ?? wallClock;
    return {
      ttftMs: primary.ttftMs,
      prefillTokensPerSecond: primary.prefillTokensPerSecond,
      decodeTokensPerSecond: primary.decodeTokensPerSecond,
      promptTokens: result.promptTokens,
      outputTokens: result.outputTokens || batcher.tokenCount,
      finishReason: result.finishReason,
      totalMs,
      engine: result.figures,
      wallClock,
      disagreements: disagreements(result.figures, wallClock),
      // An engine whose GPU device the tracker cannot see reports no figure rather than a false 0.
      gpuMemoryPeakBytes: active.engine.memoryReport?.().gpuNotMeasured ? undefined : this.tracker.totals().peakBytes,
      batches: batcher.batchCount,
      ...(active.compute ? { compute: active.compute } : {}),
    };
  }

  async countPromptTokens(messages: ChatMessage[]): Promise<PromptTokenCount> {
    const active = this.active;
    if (!active) throw notLoaded();
    const tokens = await active.engine.countPromptTokens?.(messages);
    return tokens === undefined
      ? { tokens: estimatePromptTokens(messages), method: 'estimate' }
      : { tokens, method: 'tokenizer' };
  }

  async interrupt(): Promise<void> {
    this.active?.engine.interrupt();
  }

  async unload(): Promise<void> {
    const active = this.active;
    this.active = undefined;
    await active?.engine.unload();
  }

  async lastOutputTokenIds(): Promise<number[] | undefined> {
    return this.active?.engine.outputTokenIds?.();
  }

  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    const active = this.active;
    if (!active) throw notLoaded();
    if (!active.engine.forcedChoices) {
      throw edgeError(
        ERROR_NAMES.forcedChoicesUnsupported,
        `The ${active.engine.id} engine cannot read a fixed sequence, so its correctness cannot be checked.`,
      );
    }
    return active.engine.forcedChoices(input);
  }

  async watchDeviceLoss(onLost: (loss: DeviceLoss) => void): Promise<void> {
    this.lossWatchers.add(onLost);
  }

  async loseDevice(): Promise<number> {
    return this.tracker.loseDevices();
  }

  async memory(): Promise<MemorySnapshot> {
    const totals = this.tracker.totals();
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    const engine = this.active?.engine.memoryReport?.();
    return {
      ...totals,
      workerHeapBytes: heap?.usedJSHeapSize,
      ...(engine?.gpuNotMeasured ? { gpuNotMeasured: engine.gpuNotMeasured } : {}),
      ...(engine?.ramBytes === undefined ? {} : { engineRamBytes: engine.ramBytes }),
    };
  }

  async cachedModels(): Promise<CachedModel[]> {
    const lastUsed = await lastUsedTimes();
    const models: CachedModel[] = [];
    for (const engineId of STORING_ENGINES) {
      const engine = await this.engine(engineId);
      for (const model of groupStoredFiles(engineId, (await engine.storedFiles?.()) ?? [], lastUsed)) {
        const complete = await engine.storedComplete?.(model.key);
        models.push(complete === undefined ? model : { ...model, complete });
      }
    }
    return models;
  }

  async deleteCachedModel(engineId: EngineId, key: string): Promise<void> {
    const engine = await this.engine(engineId);
    if (!engine.deleteStored) throw new Error(`The ${engineId} engine stores no models.`);
    await engine.deleteStored(key);
    await forgetUse(engineId, key);
  }

  private engine(engineId: EngineId): Promise<Engine> {
    let engine = this.engines.get(engineId);
    if (!engine) {
      const factory = this.factories[engineId];
      if (!factory) return Promise.reject(new Error(`Unknown engine "${engineId}".`));
      engine = factory();
      // A failed import (e.g. a chunk that could not be fetched) may succeed on the next try.
      engine.catch(() => this.engines.delete(engineId));
      this.engines.set(engineId, engine);
    }
    return engine;
  }
}
