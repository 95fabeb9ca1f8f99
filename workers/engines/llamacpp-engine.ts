/**
 * The llama.cpp adapter: GGUF models through wllama, behind the engine interface.
 *
 * wllama is imported only when this engine is chosen, and starts its own worker (nested in
 * ours) for llama.cpp. Its WebAssembly is bundled with the app and served by it (compat mode,
 * which would fetch from a CDN, is off). It computes on WebGPU where the adapter has shader-f16
 * and on the CPU otherwise or on request; where every layer really went is read from llama.cpp's
 * own log and reported, never assumed.
 */
import type * as Wllama from '@wllama/wllama';
import wllamaWasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import type {
  ComputeReport,
  CustomModelSource,
  GenerateRequest,
  LoadOptions,
  ModelRecord,
} from '../../src/shared/engine-api.js';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { GgufError, ggufKvBytesPerToken } from '../../src/core/gguf.js';
import {
  customLlamaCppRecord,
  DEFAULT_CONTEXT,
  ggufPartUrls,
  llamaCppRecords,
  resolveLlamaCppModel,
} from '../../src/core/llamacpp-catalog.js';
import {
  planCompute,
  reportCompute,
  threadsFromLog,
  type ComputeEnvironment,
} from '../../src/core/llamacpp-compute.js';
import { bufferBytes, isInvalidUtf8, loadFailure } from '../../src/core/llamacpp-log.js';
import { figuresFromLlamaTimings } from '../../src/core/llamacpp-stats.js';
import type { StoredFile } from '../../src/core/storage.js';
import { ensureRoomFor } from '../storage/model-cache.js';
import { inspectGguf } from './gguf-blob.js';
import { fromGgufError, fromLoadFailure, isRuntimeAbort } from './llamacpp-errors.js';
import { bytesToFetch, deleteGgufModel, isStored, storedGgufFiles } from './llamacpp-storage.js';
import type { Engine, EngineGenerateResult, EngineLoadResult, EngineMemory, EngineProgress } from './engine.js';

export type WllamaModule = Pick<typeof Wllama, 'Wllama' | 'CacheManager'>;

/** WebAssembly memory is 32-bit addressed in the heap wllama allocates: 4 GiB at most. */
export const WASM_MEMORY_LIMIT = 4 * 2 ** 30;
/** llama.cpp's log level that includes where each layer is placed. */
const LOG_DEBUG = 1;
/** Log lines kept: the load's (placement, buffers, failures) and the last replies'. */
const LOG_LIMIT = 2000;
const GPU_NOT_MEASURED =
  "llama.cpp holds its GPU device in wllama's own worker, which edge-llm's GPU memory tracker cannot see";

/** The worker's GPU and threads, read before each load. */
async function readEnvironment(): Promise<ComputeEnvironment> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return {
    webgpu: Boolean(gpu),
    adapter: adapter
      ? { features: [...adapter.features] as string[], isFallbackAdapter: adapter.info?.isFallbackAdapter ?? false }
      : undefined,
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency,
  };
}

interface Loaded {
  id: string;
  url: string;
  instance: Wllama.Wllama;
  compute: ComputeReport;
  ramBytes: number | undefined;
}

export class LlamaCppEngine implements Engine {
  readonly id = 'llamacpp' as const;
  private module: WllamaModule | undefined;
  private cache: Wllama.CacheManager | undefined;
  private loaded: Loaded | undefined;
  private stopper: AbortController | undefined;
  private lastIds: number[] | undefined;
  private mirror: string | undefined;
  /** llama.cpp's log, newest last. */
  private readonly log: string[] = [];

  constructor(
    private readonly loadModule: () => Promise<WllamaModule> = () => import('@wllama/wllama'),
    private readonly environment: () => Promise<ComputeEnvironment> = readEnvironment,
  ) {}

  async listModels(custom?: CustomModelSource): Promise<ModelRecord[]> {
    this.register(custom ?? {});
    const catalog = llamaCppRecords();
    const records = [
      ...(custom?.llamacpp ?? []).map(customLlamaCppRecord).filter((r) => !catalog.some((c) => c.id === r.id)),
      ...catalog,
    ];
    // Without a private file system (a page served over plain HTTP) nothing is stored, and the
    // models are still listed: the picker says why they cannot load here.
    const cache = await this.storageIfAny();
    return Promise.all(
      records.map(async (record) => {
        const url = resolveLlamaCppModel(record.id, this.mirror)?.url;
        return { ...record, cached: url && cache ? await isStored(cache, url).catch(() => false) : false };
      }),
    );
  }

  register(custom: CustomModelSource): void {
    if (custom.mirror) this.mirror = custom.mirror.llamacpp;
  }

  async load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
    options: LoadOptions = {},
  ): Promise<EngineLoadResult> {
    if (options.custom) this.register(options.custom);
    const resolved = resolveLlamaCppModel(modelId, this.mirror);
    if (!resolved) {
      throw edgeError(
        ERROR_NAMES.modelConfigInvalid,
        `"${modelId}" is neither a llama.cpp catalog model nor the URL of a .gguf file.`,
      );
    }
    await this.unload();
    onProgress({ phase: 'preparing', fraction: undefined, detail: 'Loading llama.cpp (wllama)' });
    const module = await this.wllama();
    const cache = await this.cacheManager();
    signal.throwIfAborted();
    const plan = planCompute(await this.environment(), options.device, options.threads);
    const context = Math.min(resolved.entry?.contextWindow ?? DEFAULT_CONTEXT, DEFAULT_CONTEXT);
    const kvPerToken = resolved.entry?.kvBytesPerToken;
    const onCpu = plan.gpuLayers === 0;
    const checkWasmMemory = (bytes: number, kv: number | undefined) => {
      const needed = bytes + (kv ?? 0) * context;
      if (onCpu && needed > WASM_MEMORY_LIMIT) {
        throw edgeError(
          ERROR_NAMES.wasmMemoryExceeded,
          `The model and its ${context}-token KV cache need ${(needed / 2 ** 30).toFixed(2)} GiB.`,
          { url: resolved.url, neededBytes: needed },
        );
      }
    };
    if (resolved.sizeBytes) checkWasmMemory(resolved.sizeBytes, kvPerToken);

    const instance = new module.Wllama(
      { default: new URL(wllamaWasmUrl, globalThis.location?.href ?? import.meta.url).href },
      { cacheManager: cache, logger: this.logger(), allowOffline: true },
    );
    instance.setCompat(null);
    let fromCache = await isStored(cache, resolved.url);
    let downloadedBytes = 0;
    const open = async (): Promise<Blob[]> => {
      if (!fromCache) {
        await ensureRoomFor(await bytesToFetch(cache, resolved.url, resolved.sizeBytes, signal));
        signal.throwIfAborted();
      }
      const model = await instance.modelManager.getModelOrDownload(
        { url: resolved.url },
        {
          signal,
          progressCallback: ({ loaded, total }) => {
            if (signal.aborted || fromCache) return;
            downloadedBytes = loaded;
            onProgress({
              phase: 'downloading',
              fraction: total > 0 ? loaded / total : undefined,
              loadedBytes: loaded,
              totalBytes: total || undefined,
              detail: `Fetching ${resolved.url.split('/').at(-1)}`,
            });
          },
        },
      );
      return model.open();
    };
    let blobs: Blob[];
    let inspected: Awaited<ReturnType<typeof inspectGguf>>[];
    try {
      blobs = await open();
      inspected = await Promise.all(blobs.map(inspectGguf));
    } catch (error) {
      if (signal.aborted) throw new DOMException('Loading was cancelled.', 'AbortError');
      if (!(error instanceof GgufError)) throw error;
      // A stored copy that fails the check is deleted and fetched once more; a fresh download
      // that fails it is what the server holds.
      await deleteGgufModel(cache, resolved.url);
      if (!fromCache) throw fromGgufError(error, resolved.url);
      console.warn(`[edge-llm] the stored copy of ${resolved.url} is damaged (${error.message}); fetching it again`);
      fromCache = false;
      try {
        blobs = await open();
        inspected = await Promise.all(blobs.map(inspectGguf));
      } catch (retryError) {
        if (retryError instanceof GgufError) {
          await deleteGgufModel(cache, resolved.url);
          throw fromGgufError(retryError, resolved.url);
        }
        throw retryError;
      }
    }
    const weightBytes = inspected.reduce((sum, part) => sum + part.weightBytes, 0);
    const metadata = inspected[0]!.header.metadata;
    const kvBytesPerToken = ggufKvBytesPerToken(metadata) ?? kvPerToken;
    const trained = metadata[`${String(metadata['general.architecture'])}.context_length`];
    // Never more than the model was trained for, nor than DEFAULT_CONTEXT.
    const nCtx = typeof trained === 'number' && trained > 0 ? Math.min(trained, context) : context;
    checkWasmMemory(
      blobs.reduce((sum, blob) => sum + blob.size, 0),
      kvBytesPerToken,
    );
    signal.throwIfAborted();

    onProgress({
      phase: 'loading',
      fraction: undefined,
      detail: onCpu ? `Loading onto the CPU (${plan.threads} thread(s))` : 'Loading onto the GPU (WebGPU)',
    });
    const mark = this.log.length;
    try {
      await instance.loadModel(blobs, {
        n_ctx: nCtx,
        n_threads: plan.threads,
        n_gpu_layers: plan.gpuLayers,
        log_level: LOG_DEBUG,
        // One reply at a time: a single slot keeps the KV cache to one context.
        n_parallel: 1,
      });
    } catch (error) {
      await instance.exit().catch(() => undefined);
      const failure = loadFailure(this.log.slice(mark));
      if (failure) throw fromLoadFailure(failure, resolved.url, onCpu);
      throw isRuntimeAbort(error) ? edgeError(ERROR_NAMES.engineCrashed, String((error as Error).message)) : error;
    }
    const loadLog = this.log.slice(mark);
    const failure = loadFailure(loadLog);
    if (failure) {
      await instance.exit().catch(() => undefined);
      throw fromLoadFailure(failure, resolved.url, onCpu);
    }
    const compute = reportCompute(plan, loadLog, threadsFromLog(loadLog) ?? instance.getNumThreads());
    const ram = bufferBytes(loadLog).get('CPU');
    this.loaded = { id: modelId, url: resolved.url, instance, compute, ramBytes: ram };
    if (signal.aborted) {
      await this.unload();
      throw new DOMException('Loading was cancelled.', 'AbortError');
    }
    // Right after a load, the browser is still optimising the WebAssembly in the background and
    // competes with llama.cpp's threads: one short reply first, so the first measured one is fair.
    onProgress({ phase: 'compiling', fraction: undefined, detail: 'Warming up llama.cpp' });
    await instance
      .createChatCompletion({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, temperature: 0 })
      .catch((error: unknown) => console.warn('[edge-llm] llama.cpp warm-up failed:', error));
    return {
      fromCache,
      downloadedBytes: fromCache ? 0 : downloadedBytes,
      weightBytes,
      contextWindow: nCtx,
      ...(kvBytesPerToken === undefined ? {} : { kvBytesPerToken }),
      compute,
    };
  }

  async generate(
    request: GenerateRequest,
    onDelta: (text: string, tokens: number) => void,
  ): Promise<EngineGenerateResult> {
    const loaded = this.loaded;
    if (!loaded) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No llama.cpp model is loaded.');
    const stopper = new AbortController();
    this.stopper = stopper;
    const ids: number[] = [];
    let timings: Wllama.ResultTimings | undefined;
    let finish: Wllama.ChatCompletionChunkChoice['finish_reason'] = null;
    let promptTokens = 0;
    const mark = this.log.length;
    try {
      await loaded.instance.createChatCompletion({
        messages: request.messages,
        max_tokens: request.maxTokens,
        temperature: Math.max(0, request.temperature),
        ...(request.ignoreEos ? { ignore_eos: true } : {}),
        stream: true,
        abortSignal: stopper.signal,
        // llama-server reuses the KV cache of a prompt it saw before and then times only the new
        // tokens: every reply prefills its whole prompt, so prefill figures mean what they say.
        cache_prompt: false,
        // Token ids come only with the log-probabilities (llama-server sends none for 0
        // alternatives); one alternative is the chosen token itself.
        logprobs: true,
        top_logprobs: 1,
        onData: (chunk) => {
          const choice = chunk.choices[0];
          const tokens = choice?.logprobs?.content ?? [];
          for (const token of tokens) ids.push((token as { id?: number }).id ?? -1);
          const text = choice?.delta?.content ?? '';
          if (text || tokens.length > 0) onDelta(text, tokens.length);
          if (choice?.finish_reason) finish = choice.finish_reason;
          if (chunk.timings) timings = chunk.timings;
          if (chunk.usage) promptTokens = chunk.usage.prompt_tokens;
        },
      });
    } catch (error) {
      if (!stopper.signal.aborted) throw await this.explainGenerateFailure(error, mark);
    } finally {
      this.stopper = undefined;
    }
    this.lastIds = ids;
    return {
      promptTokens: promptTokens || timings?.prompt_n || 0,
      outputTokens: ids.length,
      finishReason: stopper.signal.aborted ? 'aborted' : finish === 'length' ? 'length' : 'stop',
      figures: figuresFromLlamaTimings(timings),
    };
  }

  interrupt(): void {
    this.stopper?.abort();
  }

  async unload(): Promise<void> {
    this.stopper?.abort();
    const loaded = this.loaded;
    this.loaded = undefined;
    await loaded?.instance.exit().catch(() => undefined);
  }

  outputTokenIds(): number[] | undefined {
    return this.lastIds;
  }

  memoryReport(): EngineMemory {
    return {
      gpuNotMeasured: GPU_NOT_MEASURED,
      ...(this.loaded?.ramBytes === undefined ? {} : { ramBytes: this.loaded.ramBytes }),
    };
  }

  async storedFiles(): Promise<StoredFile[]> {
    const cache = await this.storageIfAny();
    return cache ? storedGgufFiles(cache) : [];
  }

  async deleteStored(key: string): Promise<void> {
    await deleteGgufModel(await this.cacheManager(), key);
  }

  storageKeyOf(modelId: string): string | undefined {
    const url = resolveLlamaCppModel(modelId, this.mirror)?.url;
    return url ? ggufPartUrls(url)[0] : undefined;
  }

  private async explainGenerateFailure(error: unknown, mark: number): Promise<unknown> {
    const message = String((error as Error | undefined)?.message ?? error);
    if (/exceeds the available context size|exceed_context_size/i.test(message)) {
      return edgeError(ERROR_NAMES.contextWindowExceeded, message);
    }
    if (isInvalidUtf8(message, this.log.slice(mark))) {
      return edgeError(ERROR_NAMES.invalidOutput, message);
    }
    if (isRuntimeAbort(error)) {
      // The runtime is gone: the model must be loaded again.
      await this.unload();
      return edgeError(ERROR_NAMES.engineCrashed, message);
    }
    return error;
  }

  private async wllama(): Promise<WllamaModule> {
    this.module ??= await this.loadModule();
    return this.module;
  }

  private async cacheManager(): Promise<Wllama.CacheManager> {
    this.cache ??= new (await this.wllama()).CacheManager();
    return this.cache;
  }

  /** wllama's cache, or undefined where the browser offers it no storage (wllama's own words). */
  private async storageIfAny(): Promise<Wllama.CacheManager | undefined> {
    try {
      return await this.cacheManager();
    } catch (error) {
      if (/no supported storage backend/i.test(String((error as Error)?.message))) return undefined;
      throw error;
    }
  }

  /** wllama's logger: llama.cpp's lines are kept for placement and failures, and still reach the console. */
  private logger(): Wllama.WllamaLogger {
    const keep = (line: unknown[]) => {
      this.log.push(line.map(String).join(' '));
      if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    };
    return {
      debug: (...line: unknown[]) => keep(line),
      log: (...line: unknown[]) => keep(line),
      warn: (...line: unknown[]) => {
        keep(line);
        console.warn('[llama.cpp]', ...line);
      },
      error: (...line: unknown[]) => {
        keep(line);
        console.error('[llama.cpp]', ...line);
      },
    };
  }
}
