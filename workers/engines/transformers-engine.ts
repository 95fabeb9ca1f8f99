/**
 * The transformers.js adapter: ONNX models on ONNX Runtime Web (WebGPU, or WASM on request),
 * behind the engine interface.
 *
 * transformers.js and ONNX Runtime are imported lazily, only when this engine is chosen. The
 * ONNX Runtime loader and WebAssembly binary are bundled with the app and served by it: nothing
 * is fetched from a CDN.
 */
import type * as Transformers from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { CustomModelSource, GenerateRequest, LoadOptions, ModelRecord } from '../../src/shared/engine-api.js';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import {
  customTransformersRecord,
  onnxFileForDtype,
  parseTransformersModelId,
  TRANSFORMERS_CATALOG,
  transformersRecords,
} from '../../src/core/transformers-catalog.js';
import { kvBytesPerTokenFromConfig } from '../../src/core/roofline.js';
import type { StoredFile } from '../../src/core/storage.js';
import { damagedFiles, deleteStoredFiles, ensureRoomFor, recordManifest, storedFiles } from '../storage/model-cache.js';
import { transformersHubFolderUrl, transformersRemote } from '../../src/core/mirror-urls.js';
import { hubTransformersRecord } from '../../src/core/model-list.js';
import type { Engine, EngineGenerateResult, EngineLoadResult, EngineProgress } from './engine.js';
import { transformersForcedChoices } from './transformers-forced.js';

export type TransformersModule = Pick<
  typeof Transformers,
  'env' | 'AutoTokenizer' | 'AutoModelForCausalLM' | 'TextStreamer' | 'InterruptableStoppingCriteria' | 'Tensor'
>;

const CACHE_KEY = 'transformers-cache';
/** The files every load reads; a model counts as stored when all are in the cache. */
const SHARED_FILES = ['config.json', 'tokenizer.json'];
/** Messages ONNX Runtime and transformers.js give for a model or config file they cannot read. */
const UNREADABLE_FILE = /protobuf|failed to load model|Can't create a session|invalid model|ERROR_CODE: [17]\b|JSON/i;

/** Where a catalog id's files live: a hub repository (or its mirror), or a self-hosted folder URL. */
function locate(source: string, mirror?: string): { isUrl: boolean; folderUrl: string } {
  const isUrl = /^https?:\/\//.test(source);
  return { isUrl, folderUrl: isUrl ? `${source.replace(/\/+$/, '')}/` : transformersHubFolderUrl(source, mirror) };
}

interface Loaded {
  id: string;
  tokenizer: Transformers.PreTrainedTokenizer;
  model: Transformers.PreTrainedModel;
}

export class TransformersEngine implements Engine {
  readonly id = 'transformers' as const;
  private module: TransformersModule | undefined;
  private loaded: Loaded | undefined;
  private stopping: Transformers.InterruptableStoppingCriteria | undefined;
  private lastIds: number[] | undefined;

  constructor(
    private readonly loadModule: () => Promise<TransformersModule> = () => import('@huggingface/transformers'),
  ) {}

  async listModels(custom?: CustomModelSource): Promise<ModelRecord[]> {
    const catalog = transformersRecords();
    const hub = (custom?.transformersHub ?? [])
      .map(hubTransformersRecord)
      .filter((record) => !catalog.some((entry) => entry.id === record.id));
    const records = [...(custom?.transformers ?? []).map(customTransformersRecord), ...hub, ...catalog];
    const mirror = custom?.mirror?.transformers;
    return Promise.all(records.map(async (record) => ({ ...record, cached: await this.isCached(record.id, mirror) })));
  }

  async load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
    options: LoadOptions = {},
  ): Promise<EngineLoadResult> {
    const { source, dtype } = parseTransformersModelId(modelId);
    const mirror = options.custom?.mirror?.transformers;
    const { isUrl, folderUrl } = locate(source, mirror);
    let fromCache = await this.isCached(modelId, mirror);
    let stored = (await this.storedFiles()).filter((file) => file.url.startsWith(folderUrl));
    const damaged = await damagedFiles('transformers', folderUrl, stored);
    if (damaged.length > 0) {
      // Caught before ONNX Runtime sees the file: a failed session poisons every later one in
      // this worker (transformers.js chains session creation on one promise).
      console.warn(`[edge-llm] stored files of ${source} changed size since they last loaded; refetching:`, damaged);
      await this.deleteStored(folderUrl);
      stored = [];
      fromCache = false;
    }
    await this.unload();
    onProgress({ phase: 'preparing', fraction: undefined, detail: `Loading transformers.js for ${source}` });
    const module = await this.transformers();
    signal.throwIfAborted();
    this.configure(module, isUrl ? folderUrl : undefined, mirror);
    // A stored model loads with no network at all (offline), so the folder is checked only when
    // files must be fetched; then the download is refused up front if the quota cannot hold it.
    if (!fromCache) {
      // A mirror is checked like a folder: a model missing there is a file missing, not a hub outage.
      const sizes = isUrl || mirror ? await this.checkFolder(folderUrl, dtype, signal) : undefined;
      await ensureRoomFor(await this.bytesToFetch(source, folderUrl, dtype, sizes));
      signal.throwIfAborted();
    }

    // transformers.js reports per file; the bar shows all files together.
    const files = new Map<string, { loaded: number; total: number }>();
    let downloadedBytes = 0;
    const progress = (info: Transformers.ProgressInfo) => {
      if (signal.aborted) return;
      if (info.status === 'progress') {
        files.set(info.file, { loaded: info.loaded, total: info.total });
        let loaded = 0;
        let total = 0;
        for (const file of files.values()) {
          loaded += file.loaded;
          total += file.total;
        }
        downloadedBytes = loaded;
        onProgress({
          phase: 'downloading',
          fraction: total > 0 ? loaded / total : undefined,
          loadedBytes: loaded,
          totalBytes: total || undefined,
          detail: `Fetching ${info.file}`,
        });
      } else if (info.status === 'done' && info.file.endsWith('.onnx')) {
        onProgress({
          phase: 'compiling',
          fraction: undefined,
          detail: `Creating the ${dtype} session on ${options.device ?? 'webgpu'}`,
        });
      }
    };
    const name = isUrl ? (new URL(folderUrl).pathname.split('/').filter(Boolean).at(-1) ?? source) : source;
    const open = async () => {
      const tokenizer = await module.AutoTokenizer.from_pretrained(name, { progress_callback: progress });
      signal.throwIfAborted();
      const model = await module.AutoModelForCausalLM.from_pretrained(name, {
        dtype: dtype as Transformers.DataType,
        device: options.device ?? 'webgpu',
        progress_callback: progress,
      });
      if (signal.aborted) {
        await model.dispose();
        signal.throwIfAborted();
      }
      this.loaded = { id: modelId, tokenizer, model };
    };
    try {
      await open();
    } catch (error) {
      if (signal.aborted) throw new DOMException('Loading was cancelled.', ERROR_NAMES.abort);
      const message = String((error as Error | undefined)?.message ?? error);
      if (stored.length === 0 || !UNREADABLE_FILE.test(message)) throw this.explainLoadFailure(error, folderUrl, dtype);
      // A stored file ONNX Runtime or the tokenizer cannot read is never used again. It cannot be
      // refetched in this worker (see above), so the page restarts the engine to download it.
      await this.deleteStored(folderUrl);
      throw edgeError(ERROR_NAMES.cachedFileCorrupt, message, {
        url: new URL(onnxFileForDtype(dtype), folderUrl).href,
      });
    }
    await recordManifest(
      'transformers',
      folderUrl,
      (await this.storedFiles()).filter((file) => file.url.startsWith(folderUrl)),
    );
    // Set inside open(), which the compiler cannot follow.
    const loaded = this.loaded as Loaded | undefined;
    if (!loaded) throw edgeError(ERROR_NAMES.modelNotLoaded, `transformers.js returned no model for ${source}.`);
    const config = loaded.model.config as { max_position_embeddings?: number };
    // The weights are the ONNX graph and its external data files; every one reports its size.
    let weightBytes = 0;
    for (const [file, { total }] of files) if (/\.onnx(_data(_\d+)?)?$/.test(file)) weightBytes += total;
    // ONNX exports keep the KV cache in half precision only for the f16 variants.
    const kvBytesPerToken = kvBytesPerTokenFromConfig(config, /f16/.test(dtype) ? 2 : 4);
    return {
      fromCache,
      downloadedBytes: fromCache ? 0 : downloadedBytes,
      weightBytes: weightBytes || undefined,
      contextWindow: config.max_position_embeddings,
      ...(kvBytesPerToken === undefined ? {} : { kvBytesPerToken }),
    };
  }

  async generate(
    request: GenerateRequest,
    onDelta: (text: string, tokens: number) => void,
  ): Promise<EngineGenerateResult> {
    const loaded = this.loaded;
    const module = this.module;
    if (!loaded || !module) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No transformers.js model is loaded.');
    const inputs = loaded.tokenizer.apply_chat_template(request.messages, {
      add_generation_prompt: true,
      return_dict: true,
    }) as { input_ids: Transformers.Tensor; attention_mask: Transformers.Tensor };
    const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
    const contextWindow = (loaded.model.config as { max_position_embeddings?: number }).max_position_embeddings;
    if (contextWindow !== undefined && promptTokens >= contextWindow) {
      throw edgeError(
        ERROR_NAMES.contextWindowExceeded,
        `The prompt has ${promptTokens} tokens; the model reads at most ${contextWindow}.`,
      );
    }
    const maxNewTokens = contextWindow ? Math.min(request.maxTokens, contextWindow - promptTokens) : request.maxTokens;
    const stopping = new module.InterruptableStoppingCriteria();
    this.stopping = stopping;
    let produced = 0;
    const streamer = new module.TextStreamer(loaded.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      // Counted as each token is decoded; its text follows once it completes a word.
      token_callback_function: (ids: bigint[]) => {
        produced += ids.length;
        onDelta('', ids.length);
      },
      callback_function: (text: string) => onDelta(text, 0),
    });
    const greedy = request.temperature <= 0;
    const output = (await loaded.model.generate({
      ...inputs,
      max_new_tokens: maxNewTokens,
      // transformers.js suppresses end-of-sequence until this many tokens are out.
      ...(request.ignoreEos ? { min_new_tokens: maxNewTokens } : {}),
      do_sample: !greedy,
      ...(greedy ? {} : { temperature: request.temperature }),
      streamer,
      stopping_criteria: stopping,
    })) as Transformers.Tensor;
    this.stopping = undefined;
    const ids = Array.from(output.data as BigInt64Array, Number).slice(promptTokens);
    this.lastIds = ids;
    const interrupted = stopping.interrupted;
    const eos = loaded.model.generation_config?.eos_token_id;
    const eosIds = Array.isArray(eos) ? eos : eos === undefined || eos === null ? [] : [eos];
    const endedOnEos = ids.length > 0 && eosIds.includes(ids.at(-1)!);
    return {
      promptTokens,
      outputTokens: produced,
      finishReason: interrupted ? 'aborted' : endedOnEos ? 'stop' : produced >= maxNewTokens ? 'length' : 'stop',
      // transformers.js reports no timings of its own: the worker's wall clock is the figure.
      figures: undefined,
    };
  }

  /** The prompt's tokens through the model's own chat template and tokenizer, as `generate` reads them. */
  async countPromptTokens(messages: GenerateRequest['messages']): Promise<number> {
    if (!this.loaded) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No transformers.js model is loaded.');
    const options = { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false } as const;
    return (this.loaded.tokenizer.apply_chat_template(messages, options) as number[]).length;
  }

  interrupt(): void {
    this.stopping?.interrupt();
  }

  async unload(): Promise<void> {
    this.stopping?.interrupt();
    const loaded = this.loaded;
    this.loaded = undefined;
    await loaded?.model.dispose();
  }

  outputTokenIds(): number[] | undefined {
    return this.lastIds;
  }

  /** Teacher forcing: one forward pass over the sequence (see transformers-forced.ts). */
  forcedChoices: NonNullable<Engine['forcedChoices']> = (input) =>
    transformersForcedChoices(this.module, this.loaded, input);

  storedFiles(): Promise<StoredFile[]> {
    return storedFiles([CACHE_KEY]);
  }

  /** transformers.js has no delete of its own for a browser cache entry: its entries go by prefix. */
  async deleteStored(key: string): Promise<void> {
    await deleteStoredFiles([CACHE_KEY], key);
  }

  storageKeyOf(modelId: string): string {
    return locate(parseTransformersModelId(modelId).source).folderUrl;
  }

  /**
   * Bytes a load will still fetch: the folder's files by their HEAD sizes, or the catalog's size
   * of the weights file for a hub model, less what is already stored.
   */
  private async bytesToFetch(
    source: string,
    folderUrl: string,
    dtype: string,
    sizes: Map<string, number> | undefined,
  ): Promise<number> {
    const stored = new Set((await this.storedFiles()).map((file) => file.url));
    if (sizes) {
      let total = 0;
      for (const [url, bytes] of sizes) if (!stored.has(url)) total += bytes;
      return total;
    }
    const fileMB = TRANSFORMERS_CATALOG.find((entry) => entry.repo === source)?.fileMB[dtype];
    const weights = new URL(onnxFileForDtype(dtype), folderUrl).href;
    return fileMB && !stored.has(weights) ? fileMB * 1e6 : 0;
  }

  private async transformers(): Promise<TransformersModule> {
    this.module ??= await this.loadModule();
    return this.module;
  }

  private configure(module: TransformersModule, folderUrl: string | undefined, mirror?: string): void {
    const { env } = module;
    // transformers.js would hand ONNX Runtime its loader as a blob: URL, which a host page's
    // script-src rarely allows; the loader is served beside the worker anyway.
    env.useWasmCache = false;
    const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; proxy?: boolean } };
    // Absolute URLs beside the worker script, so ONNX Runtime never falls back to its CDN default.
    const base = globalThis.location?.href ?? import.meta.url;
    if (onnx.wasm) onnx.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, base).href, wasm: new URL(ortWasmUrl, base).href };
    if (folderUrl) {
      // A self-hosted folder is read as a "hub" whose host is the folder's parent: transformers.js
      // then fetches (and caches) its files like any remote model. Its local-model mode cannot
      // take an http(s) base: it skips tokenizer_config.json there and the tokenizer fails.
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
      env.remoteHost = new URL('..', folderUrl).href;
      env.remotePathTemplate = '{model}/';
    } else {
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
      Object.assign(env, transformersRemote(mirror));
    }
  }

  /**
   * A self-hosted folder must have the files a load needs; say which one is missing. Returns
   * their sizes by URL, where the server gives them.
   */
  private async checkFolder(folderUrl: string, dtype: string, signal: AbortSignal): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (const file of [...SHARED_FILES, onnxFileForDtype(dtype)]) {
      const url = new URL(file, folderUrl).href;
      let response: Response;
      try {
        response = await fetch(url, { method: 'HEAD', signal });
      } catch (error) {
        if (signal.aborted) throw error;
        throw edgeError(ERROR_NAMES.downloadFailed, `Could not reach ${url}.`, { url });
      }
      if (!response.ok) {
        throw edgeError(ERROR_NAMES.modelFileMissing, `The model folder has no ${file} (HTTP ${response.status}).`, {
          url,
          status: response.status,
        });
      }
      const length = Number(response.headers.get('content-length'));
      if (Number.isFinite(length) && length > 0) sizes.set(url, length);
    }
    return sizes;
  }

  private explainLoadFailure(error: unknown, folderUrl: string, dtype: string): unknown {
    const message = String((error as Error | undefined)?.message ?? error);
    if (/protobuf|failed to load model|Can't create a session|invalid model|ERROR_CODE: [17]\b/i.test(message)) {
      return edgeError(
        ERROR_NAMES.modelFileInvalid,
        `The ONNX model file is corrupt or not a model ONNX Runtime can run: ${message}`,
        { url: new URL(onnxFileForDtype(dtype), folderUrl).href },
      );
    }
    if (/JSON/i.test(message)) {
      return edgeError(ERROR_NAMES.modelConfigInvalid, `A model file is not valid JSON: ${message}`, {
        url: folderUrl,
      });
    }
    return error;
  }

  private async isCached(modelId: string, mirror?: string): Promise<boolean> {
    const { source, dtype } = parseTransformersModelId(modelId);
    // Self-hosted folders are fetched as a remote host too, so their files are cached the same way.
    const { folderUrl } = locate(source, mirror);
    if (!('caches' in globalThis)) return false;
    try {
      // A self-hosted folder is cached under its own URLs, like a hub file under the hub's.
      const cache = await caches.open(CACHE_KEY);
      const files = [...SHARED_FILES, onnxFileForDtype(dtype)];
      const hits = await Promise.all(files.map((file) => cache.match(new URL(file, folderUrl).href)));
      return hits.every(Boolean);
    } catch {
      return false;
    }
  }
}
