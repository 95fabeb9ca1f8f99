/**
 * The transformers.js adapter: ONNX models on ONNX Runtime Web (WebGPU, or WASM on request),
 * behind the engine interface.
 *
 * transformers.js and ONNX Runtime are imported lazily, only when this engine is chosen. The
 * ONNX Runtime loader and WebAssembly binary are bundled with the app and served by it: nothing
 * is fetched from a CDN.
 */
import type * as Transformers from '@huggingface/transformers';
import type { CustomModelSource, GenerateRequest, LoadOptions, ModelRecord } from '../../src/shared/engine-api.js';
import { edgeError, ERROR_NAMES, serializeError } from '../../src/core/errors.js';
import {
  customTransformersRecord,
  onnxFileForDtype,
  parseTransformersModelId,
  transformersRecords,
} from '../../src/core/transformers-catalog.js';
import { kvBytesPerTokenFromConfig } from '../../src/core/roofline.js';
import type { StoredFile } from '../../src/core/storage.js';
import { damagedFiles, deleteStoredFiles, ensureRoomFor, recordManifest, storedFiles } from '../storage/model-cache.js';
import { downloadError, ModelFetch } from '../storage/model-fetch.js';
import { ModelStore, type RefusedWrite } from '../storage/model-store.js';
import { hubTransformersRecord } from '../../src/core/model-list.js';
import type { Engine, EngineGenerateResult, EngineLoadResult, EngineProgress } from './engine.js';
import { configureTransformers } from './transformers-env.js';
import {
  bytesToFetch,
  CACHE_KEY,
  checkFolder,
  explainLoadFailure,
  isStored,
  locate,
  UNREADABLE_FILE,
} from './transformers-files.js';
import { transformersForcedChoices } from './transformers-forced.js';
import { ortWebGpuDevice, type OrtDevice } from '../gpu/ort-device.js';

export type TransformersModule = Pick<
  typeof Transformers,
  'env' | 'AutoTokenizer' | 'AutoModelForCausalLM' | 'TextStreamer' | 'InterruptableStoppingCriteria' | 'Tensor'
>;

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
  /** The network and the store under transformers.js: each file crosses the network once. */
  private readonly fetcher = new ModelFetch();
  private readonly store = new ModelStore(CACHE_KEY, (url) => this.fetcher.partials.takeCompleted(url));
  /** The hub mirror of the last list or load: a hub model's files are stored under the mirror's URLs. */
  private mirror: string | undefined;

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
    this.mirror = mirror;
    return Promise.all(records.map(async (record) => ({ ...record, cached: await isStored(record.id, mirror) })));
  }

  async load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
    options: LoadOptions = {},
  ): Promise<EngineLoadResult> {
    const { source, dtype } = parseTransformersModelId(modelId);
    const mirror = options.custom?.mirror?.transformers;
    this.mirror = mirror;
    const { isUrl, folderUrl } = locate(source, mirror);
    const device = options.device ?? 'webgpu';
    // Rejects when a download of this load fails or the load is cancelled (see open() below).
    const downloadFailed = this.fetcher.beginLoad(signal);
    let fromCache = await isStored(modelId, mirror);
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
    configureTransformers(module.env, isUrl ? folderUrl : undefined, mirror, {
      fetcher: this.fetcher,
      store: this.store,
    });
    // A stored model loads with no network at all (offline), so the folder is checked only when
    // files must be fetched; then the download is refused up front if the quota cannot hold it.
    if (!fromCache) {
      // A mirror is checked like a folder: a model missing there is a file missing, not a hub outage.
      const sizes =
        isUrl || mirror ? await checkFolder((url) => this.fetcher.head(url), folderUrl, dtype, signal) : undefined;
      const storedUrls = new Set((await this.storedFiles()).map((file) => file.url));
      await ensureRoomFor(bytesToFetch(storedUrls, source, folderUrl, dtype, sizes));
      signal.throwIfAborted();
    }

    // transformers.js reports per file; the bar shows all files together.
    const files = new Map<string, { loaded: number; total: number }>();
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
          detail: `Creating the ${dtype} session on ${device}`,
        });
      }
    };
    const name = isUrl ? (new URL(folderUrl).pathname.split('/').filter(Boolean).at(-1) ?? source) : source;
    let ortDevice: OrtDevice | undefined;
    const open = async () => {
      // Our own WebGPU device only where ONNX Runtime's would compute attention wrongly.
      if (device === 'webgpu') ortDevice = await ortWebGpuDevice();
      const tokenizer = await module.AutoTokenizer.from_pretrained(name, { progress_callback: progress });
      signal.throwIfAborted();
      const model = await module.AutoModelForCausalLM.from_pretrained(name, {
        dtype: dtype as Transformers.DataType,
        device,
        progress_callback: progress,
        ...(ortDevice
          ? { session_options: { executionProviders: [{ name: 'webgpu', device: ortDevice.device }] } }
          : {}),
      });
      if (signal.aborted) {
        await model.dispose();
        signal.throwIfAborted();
      }
      this.loaded = { id: modelId, tokenizer, model };
    };
    try {
      // transformers.js never settles a load whose external data file failed to download
      // (getModelDataFiles awaits it inside a promise executor): the fetch layer says so instead.
      await Promise.race([open(), downloadFailed]);
    } catch (error) {
      if (signal.aborted) {
        // Nothing of a cancelled download is kept for a later load to trust.
        this.fetcher.forget(folderUrl);
        throw new DOMException('Loading was cancelled.', ERROR_NAMES.abort);
      }
      if (this.fetcher.lastFailure) throw downloadError(this.fetcher.lastFailure);
      const message = String((error as Error | undefined)?.message ?? error);
      if (stored.length === 0 || !UNREADABLE_FILE.test(message)) throw explainLoadFailure(error, folderUrl, dtype);
      // A stored file ONNX Runtime or the tokenizer cannot read is never used again. It cannot be
      // refetched in this worker (see above), so the page restarts the engine to download it.
      await this.deleteStored(folderUrl);
      throw edgeError(ERROR_NAMES.cachedFileCorrupt, message, {
        url: new URL(onnxFileForDtype(dtype), folderUrl).href,
      });
    } finally {
      // A file the library read but did not store (or refused) is not held on to.
      this.fetcher.partials.releaseCompleted();
    }
    const refused = this.store.takeRefused(folderUrl);
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
      // Counted where the bytes arrive: bytes kept from an interrupted attempt are not fetched again.
      downloadedBytes: this.fetcher.receivedBytes,
      weightBytes: weightBytes || undefined,
      contextWindow: config.max_position_embeddings,
      ...(kvBytesPerToken === undefined ? {} : { kvBytesPerToken }),
      ...(refused.length > 0 ? { notStored: notStoredError(refused) } : {}),
      // Said on WebGPU only, where a device can differ from ONNX Runtime's own; a CPU load keeps
      // the device it was asked for ('wasm') in its figures.
      ...(device === 'webgpu'
        ? {
            compute: {
              runtime: 'ONNX Runtime Web',
              device: 'webgpu' as const,
              threads: undefined,
              ...(ortDevice ? { reason: ortDevice.reason } : {}),
            },
          }
        : {}),
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
    this.fetcher.forget(key);
    await deleteStoredFiles([CACHE_KEY], key);
  }

  storageKeyOf(modelId: string): string {
    return locate(parseTransformersModelId(modelId).source, this.mirror).folderUrl;
  }

  private async transformers(): Promise<TransformersModule> {
    this.module ??= await this.loadModule();
    return this.module;
  }
}

/** The browser refused to store some files: the model runs, and the visitor hears it will download again. */
function notStoredError(refused: readonly RefusedWrite[]) {
  const bytes = refused.reduce((sum, write) => sum + write.bytes, 0);
  const files = refused.map((write) => write.url.slice(write.url.lastIndexOf('/') + 1)).join(', ');
  return serializeError(
    edgeError(ERROR_NAMES.storageRefused, `${files}: ${refused[0]!.reason}`, { bytes, url: refused[0]!.url }),
  );
}
