/**
 * The web-llm adapter: MLC-compiled models on WebGPU, behind the engine interface.
 *
 * web-llm is imported lazily, so its 6 MB only load when this engine is chosen. Before handing
 * a model to web-llm the adapter runs the preflight (webllm-preflight.ts): web-llm reads a 404
 * page as WebAssembly and reports a compile error; the preflight says which file, where, and
 * what the server said.
 */
import type * as WebLlm from '@mlc-ai/web-llm';
import type { CustomModelSource, GenerateRequest, LoadOptions, ModelRecord } from '../../src/shared/engine-api.js';
import { recordFromWebLlm, type WebLlmModelEntry } from '../../src/core/catalog.js';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { mirrorWebLlmRecord } from '../../src/core/mirror-urls.js';
import { figuresFromWebLlmUsage } from '../../src/core/stats.js';
import { countWebLlmPrompt } from './webllm-count.js';
import { parseWebLlmProgress } from './webllm-progress.js';
import type { Engine, EngineGenerateResult, EngineLoadResult, EngineProgress } from './engine.js';
import type { StoredFile } from '../../src/core/storage.js';
import { deleteStoredFiles, storedFiles } from '../storage/model-cache.js';
import { webLlmModelStored } from '../storage/webllm-store.js';
import {
  cachedChatConfig,
  kvBytesFromChatConfig,
  MODEL_CACHE_SCOPES,
  modelBaseUrl,
  preflight,
  WASM_CACHE_SCOPE,
  type ChatConfig,
} from './webllm-preflight.js';
import { deleteSyntheticModels, prepareSyntheticModel } from './webllm-synthetic.js';

/** The parts of the web-llm module the adapter uses; a mock provides the same. */
export type WebLlmModule = Pick<typeof WebLlm, 'MLCEngine' | 'prebuiltAppConfig' | 'hasModelInCache'> &
  Partial<Pick<typeof WebLlm, 'deleteModelAllInfoInCache'>>;

/** What listing web-llm's models needs: its catalog, and which models are stored. */
export type WebLlmCatalog = Pick<WebLlmModule, 'prebuiltAppConfig' | 'hasModelInCache'>;

/**
 * web-llm's catalog as built into the app, and its stored-weights check read from the Cache API:
 * listing models costs no download of web-llm's runtime (6 MB), which loads only for a model.
 */
async function builtInCatalog(): Promise<WebLlmCatalog> {
  const prebuiltAppConfig = (await import('virtual:webllm-catalog')).default;
  return {
    prebuiltAppConfig,
    hasModelInCache: async (modelId, appConfig = prebuiltAppConfig) => {
      const entry = appConfig.model_list.find((candidate) => candidate.model_id === modelId);
      return entry ? webLlmModelStored(modelBaseUrl(entry.model)) : false;
    },
  };
}

function isWebLlmEntry(value: unknown): value is WebLlmModelEntry & { model: string; model_lib: string } {
  const entry = value as Partial<WebLlmModelEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.model_id === 'string' &&
    typeof entry.model === 'string' &&
    typeof entry.model_lib === 'string'
  );
}

export class WebLlmEngine implements Engine {
  readonly id = 'webllm' as const;
  /** Synthetic weights from the model library's own weight list (webllm-synthetic.ts). */
  readonly syntheticWeights = true;
  private module: WebLlmModule | undefined;
  private catalog: WebLlmCatalog | undefined;
  private engine: WebLlm.MLCEngine | undefined;
  /** The model web-llm has loaded, while it has one. */
  private loadedId: string | undefined;
  private appConfig: WebLlm.AppConfig | undefined;
  /** Custom entries ever listed, by id: a later listing without them must not make them unloadable. */
  private readonly customEntries = new Map<string, WebLlm.ModelRecord>();

  constructor(
    private readonly loadModule: () => Promise<WebLlmModule> = () => import('@mlc-ai/web-llm'),
    private readonly loadCatalog: () => Promise<WebLlmCatalog> = builtInCatalog,
  ) {}

  async listModels(custom?: CustomModelSource): Promise<ModelRecord[]> {
    const catalog = await this.webllmCatalog();
    if (custom) this.register(custom);
    const appConfig = this.currentAppConfig(catalog, custom?.mirror?.webllm);
    return Promise.all(
      appConfig.model_list.map(async (entry) => ({
        ...recordFromWebLlm(entry),
        cached: await catalog.hasModelInCache(entry.model_id, appConfig).catch(() => false),
      })),
    );
  }

  register(custom: CustomModelSource): void {
    for (const entry of (custom.webllm ?? []).filter(isWebLlmEntry) as WebLlm.ModelRecord[]) {
      this.customEntries.set(entry.model_id, entry);
    }
  }

  /** web-llm's catalog with the registered custom entries first, public URLs pointed at the mirror. */
  private currentAppConfig(catalog: WebLlmCatalog, mirror?: string): WebLlm.AppConfig {
    const prebuilt = catalog.prebuiltAppConfig;
    this.appConfig = {
      ...prebuilt,
      model_list: [
        ...this.customEntries.values(),
        ...prebuilt.model_list.filter((entry) => !this.customEntries.has(entry.model_id)),
      ].map((entry) => mirrorWebLlmRecord(entry, mirror)),
    };
    return this.appConfig;
  }

  /** Stored shards and configs by model folder; a stored library joins the model that names it. */
  async storedFiles(): Promise<StoredFile[]> {
    const files = await storedFiles(MODEL_CACHE_SCOPES);
    const libraries = await storedFiles([WASM_CACHE_SCOPE]);
    if (libraries.length === 0) return files;
    const appConfig = this.currentAppConfig(await this.webllmCatalog());
    return [
      ...files,
      ...libraries.map((library) => {
        const entry = appConfig.model_list.find((candidate) => candidate.model_lib === library.url);
        return entry ? { ...library, folder: modelBaseUrl(entry.model) } : library;
      }),
    ];
  }

  /** Every weight shard the model's manifest lists is stored (web-llm's own test). */
  storedComplete(key: string): Promise<boolean> {
    return webLlmModelStored(key);
  }

  /** Through web-llm's own delete (config, shards and library), then whatever it did not know of. */
  async deleteStored(key: string): Promise<void> {
    const appConfig = this.currentAppConfig(await this.webllmCatalog());
    const entry = appConfig.model_list.find((candidate) => modelBaseUrl(candidate.model) === key);
    const module = entry ? await this.webllm() : undefined;
    if (entry && module?.deleteModelAllInfoInCache) await module.deleteModelAllInfoInCache(entry.model_id, appConfig);
    await deleteStoredFiles(MODEL_CACHE_SCOPES, key);
  }

  storageKeyOf(modelId: string): string | undefined {
    const entry = this.appConfig?.model_list.find((candidate) => candidate.model_id === modelId);
    return entry ? modelBaseUrl(entry.model) : undefined;
  }

  async load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
    options: LoadOptions = {},
  ): Promise<EngineLoadResult> {
    const catalog = await this.webllmCatalog();
    const appConfig = this.currentAppConfig(catalog, options.custom?.mirror?.webllm);
    const entry = appConfig.model_list.find((candidate) => candidate.model_id === modelId);
    if (!entry) throw edgeError(ERROR_NAMES.modelNotFound, `web-llm has no model "${modelId}" in its catalog.`);

    // What a crashed tab's synthetic load left is never read by this one.
    await deleteSyntheticModels().catch(() => undefined);
    const synthetic = options.weights === 'synthetic';
    const fromCache = synthetic ? false : await catalog.hasModelInCache(modelId, appConfig).catch(() => false);
    let libraryBytes = 0;
    let contextWindow = entry.overrides?.context_window_size;
    let chatConfig: ChatConfig | undefined;
    let loadConfig = appConfig;
    let syntheticWeightBytes: number | undefined;
    if (synthetic) {
      const made = await prepareSyntheticModel(entry, onProgress, signal).catch(async (error: unknown) => {
        await deleteSyntheticModels().catch(() => undefined);
        throw error;
      });
      // web-llm loads the synthetic folder under the model's own id; the real entry stays untouched.
      // The synthetic folder is in the Cache API: web-llm must read it from there.
      loadConfig = {
        ...appConfig,
        cacheBackend: 'cache',
        model_list: appConfig.model_list.map((candidate) => (candidate === entry ? made.entry : candidate)),
      };
      libraryBytes = made.downloadedBytes;
      chatConfig = made.config;
      syntheticWeightBytes = made.weightBytes;
      contextWindow ??= made.config.context_window_size;
    } else if (!fromCache) {
      const checked = await preflight(entry, onProgress, signal);
      libraryBytes = checked.libraryBytes;
      chatConfig = checked.config;
      contextWindow ??= checked.contextWindow;
    }
    signal.throwIfAborted();

    const module = await this.webllm();
    const engine = this.engine ?? new module.MLCEngine({ appConfig: loadConfig });
    this.engine = engine;
    let lastDownloadedBytes = 0;
    let weightBytes: number | undefined;
    // The callback must be set before reload: web-llm hands it to the runtime during reload.
    engine.setInitProgressCallback((report) => {
      const progress = parseWebLlmProgress(report);
      if (progress.phase === 'downloading' && progress.loadedBytes !== undefined) {
        lastDownloadedBytes = progress.loadedBytes;
        weightBytes = progress.totalBytes ?? weightBytes;
      }
      if (progress.phase === 'loading' && progress.totalBytes !== undefined) weightBytes = progress.totalBytes;
      onProgress(progress);
    });
    engine.setAppConfig(loadConfig);

    const abort = () => void engine.unload();
    signal.addEventListener('abort', abort, { once: true });
    this.loadedId = undefined;
    try {
      await engine.reload(modelId);
    } catch (error) {
      if (signal.aborted) throw new DOMException('Loading was cancelled.', ERROR_NAMES.abort);
      throw await this.explainReloadFailure(error, entry.model_lib, !fromCache);
    } finally {
      signal.removeEventListener('abort', abort);
      // web-llm has the weights on the GPU (or gave up): the synthetic folder must not outlive the load.
      if (synthetic) await deleteSyntheticModels().catch(() => undefined);
    }
    // web-llm swallows its own abort and returns normally; the signal tells the truth.
    if (signal.aborted) throw new DOMException('Loading was cancelled.', ERROR_NAMES.abort);
    this.loadedId = modelId;
    chatConfig ??= await cachedChatConfig(entry);
    const kvBytesPerToken = kvBytesFromChatConfig(chatConfig);
    return {
      fromCache,
      downloadedBytes: fromCache ? 0 : lastDownloadedBytes + libraryBytes,
      weightBytes: syntheticWeightBytes ?? weightBytes,
      contextWindow,
      ...(kvBytesPerToken === undefined ? {} : { kvBytesPerToken }),
    };
  }

  async generate(
    request: GenerateRequest,
    onDelta: (text: string, tokens: number) => void,
  ): Promise<EngineGenerateResult> {
    const engine = this.engine;
    if (!engine) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No web-llm model is loaded.');
    const stream = await engine.chat.completions.create({
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      ...(request.ignoreEos ? { ignore_eos: true } : {}),
    });
    let finish: string | null | undefined;
    let usage: WebLlm.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice) {
        const text = choice.delta.content ?? '';
        if (text !== '') onDelta(text, 1);
        finish = choice.finish_reason ?? finish;
      }
      // The usage chunk comes last, with empty `choices`.
      if (chunk.usage) usage = chunk.usage;
    }
    return {
      promptTokens: usage?.prompt_tokens ?? 0,
      outputTokens: usage?.completion_tokens ?? 0,
      finishReason: finish === 'length' ? 'length' : finish === 'abort' ? 'aborted' : 'stop',
      figures: figuresFromWebLlmUsage(usage?.extra),
    };
  }

  /** Through web-llm's own tokenizer and template where it can reach them (see webllm-count.ts). */
  async countPromptTokens(messages: GenerateRequest['messages']): Promise<number | undefined> {
    if (!this.engine || !this.loadedId) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No web-llm model is loaded.');
    return countWebLlmPrompt(this.engine, this.loadedId, messages);
  }

  interrupt(): void {
    this.engine?.interruptGenerate();
  }

  async unload(): Promise<void> {
    this.loadedId = undefined;
    await this.engine?.unload();
  }

  private async webllm(): Promise<WebLlmModule> {
    this.module ??= await this.loadModule();
    return this.module;
  }

  private async webllmCatalog(): Promise<WebLlmCatalog> {
    this.catalog ??= await this.loadCatalog();
    return this.catalog;
  }

  /**
   * A library that passed the preflight can still fail to instantiate (valid WebAssembly, but not
   * a web-llm model library, or built for another runtime version): name it for what it is.
   */
  private async explainReloadFailure(error: unknown, libraryUrl: string, libraryChecked: boolean): Promise<unknown> {
    const name = (error as Error | undefined)?.name ?? '';
    const message = String((error as Error | undefined)?.message ?? error);
    const instantiateFailure =
      ['CompileError', 'LinkError', 'RuntimeError'].includes(name) ||
      /WebAssembly|wasm|is not a function|Cannot read properties of undefined/i.test(message);
    if (libraryChecked && instantiateFailure) {
      // Never keep a library that cannot start: the next try must fetch it again.
      if ('caches' in globalThis) await (await caches.open(WASM_CACHE_SCOPE)).delete(libraryUrl).catch(() => false);
      // A LinkError is a runtime function the library imports and this web-llm lacks: a library
      // built for another runtime version (e.g. a v0_2_48 library on web-llm 0.2.86).
      if (name === 'LinkError') {
        return edgeError(
          ERROR_NAMES.modelLibInvalid,
          `The model library could not be started: it was built for another version of web-llm's runtime (${message})`,
          { url: libraryUrl, mismatch: 'runtime' },
        );
      }
      return edgeError(ERROR_NAMES.modelLibInvalid, `The model library could not be started: ${message}`, {
        url: libraryUrl,
      });
    }
    return error;
  }
}
