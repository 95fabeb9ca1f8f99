/**
 * The web-llm adapter against a hand-written fake of the web-llm module. Nothing here touches a
 * GPU: `FakeMLCEngine` records what the adapter asks of it and replays scripted behaviour.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_NAMES, classifyError, serializeError } from '../../src/core/errors.js';
import type { EngineProgress } from '../../workers/engines/engine.js';
import { WebLlmEngine, type WebLlmModule } from '../../workers/engines/webllm-engine.js';
import { modelBaseUrl } from '../../workers/engines/webllm-preflight.js';

const MIB = 2 ** 20;
const WASM_BYTES = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // an empty, valid module

interface ProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

interface FakeEntry {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  model_manifest?: string;
  overrides?: { context_window_size?: number };
}

interface FakeChunk {
  choices: { delta: { content?: string | null }; finish_reason: string | null }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    extra?: { time_to_first_token_s?: number; prefill_tokens_per_s?: number; decode_tokens_per_s?: number };
  };
}

/** What a test scripts the fake engine to do. */
interface FakeScript {
  reload?: (engine: FakeMLCEngine, modelId: string) => Promise<void>;
  stream?: (engine: FakeMLCEngine) => AsyncIterable<FakeChunk>;
}

/** Stands in for web-llm's MLCEngine: records calls in order and runs the test's script. */
class FakeMLCEngine {
  readonly calls: string[] = [];
  readonly chatRequests: unknown[] = [];
  progressCallback: ((report: ProgressReport) => void) | undefined;
  appConfig: { model_list: FakeEntry[] } | undefined;
  private unloadListeners: (() => void)[] = [];
  private interruptListeners: (() => void)[] = [];
  private interrupted = false;

  readonly chat = {
    completions: {
      create: async (request: unknown): Promise<AsyncIterable<FakeChunk>> => {
        this.calls.push('chat.completions.create');
        this.chatRequests.push(request);
        return (this.script.stream ?? (() => chunks([])))(this);
      },
    },
  };

  constructor(
    readonly engineConfig: { appConfig?: { model_list: FakeEntry[] } },
    private readonly script: FakeScript,
  ) {}

  setInitProgressCallback(callback: (report: ProgressReport) => void): void {
    this.calls.push('setInitProgressCallback');
    this.progressCallback = callback;
  }

  setAppConfig(appConfig: { model_list: FakeEntry[] }): void {
    this.calls.push('setAppConfig');
    this.appConfig = appConfig;
  }

  async reload(modelId: string): Promise<void> {
    this.calls.push(`reload:${modelId}`);
    await this.script.reload?.(this, modelId);
  }

  async unload(): Promise<void> {
    this.calls.push('unload');
    for (const listener of this.unloadListeners.splice(0)) listener();
  }

  interruptGenerate(): void {
    this.calls.push('interruptGenerate');
    this.interrupted = true;
    for (const listener of this.interruptListeners.splice(0)) listener();
  }

  /** Resolves when the adapter calls unload(). */
  untilUnload(): Promise<void> {
    return new Promise((resolve) => this.unloadListeners.push(resolve));
  }

  /** Resolves once the adapter has called interruptGenerate() (like web-llm, a flag the decode loop checks). */
  untilInterrupt(): Promise<void> {
    if (this.interrupted) return Promise.resolve();
    return new Promise((resolve) => this.interruptListeners.push(resolve));
  }

  report(progress: number, text: string, timeElapsed = 0): void {
    this.progressCallback?.({ progress, timeElapsed, text });
  }
}

async function* chunks(list: FakeChunk[]): AsyncIterable<FakeChunk> {
  for (const chunk of list) yield chunk;
}

function delta(content: string, finish: string | null = null): FakeChunk {
  return { choices: [{ delta: { content }, finish_reason: finish }] };
}

// A model served from a local test server: web-llm skips the Cache API for localhost libraries.
const TINY: FakeEntry = {
  model: 'http://localhost:1234/models/tiny-Instruct-q4f32_1-MLC',
  model_id: 'tiny-Instruct-q4f32_1-MLC',
  model_lib: 'http://localhost:1234/libs/tiny-Instruct-q4f32_1-webgpu.wasm',
  vram_required_MB: 100,
  low_resource_required: true,
};
const TINY_CONFIG_URL = 'http://localhost:1234/models/tiny-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json';
/** Read after the library for the up-front quota check (unrouted here, so the check is skipped). */
const TINY_TENSOR_CACHE_URL = 'http://localhost:1234/models/tiny-Instruct-q4f32_1-MLC/resolve/main/tensor-cache.json';
// A real prebuilt entry (already cached in these tests, so never fetched).
const SMOLLM: FakeEntry = {
  model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
  model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
  model_lib:
    'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm',
  vram_required_MB: 579.61,
  low_resource_required: true,
  overrides: { context_window_size: 4096 },
};

interface FakeWebLlm {
  module: WebLlmModule;
  engines: FakeMLCEngine[];
  cacheQueries: { modelId: string; modelIds: string[] }[];
  loadModule: ReturnType<typeof vi.fn<() => Promise<WebLlmModule>>>;
  /** The catalog half of the same fake (listing models never imports web-llm's runtime). */
  loadCatalog: ReturnType<typeof vi.fn<() => Promise<WebLlmModule>>>;
}

/** The adapter over a fake web-llm: its runtime and its built-in catalog. */
function adapterOf(fake: FakeWebLlm): WebLlmEngine {
  return new WebLlmEngine(fake.loadModule, fake.loadCatalog);
}

function fakeWebLlm(
  options: { script?: FakeScript; cached?: string[]; cacheThrows?: string[]; prebuilt?: FakeEntry[] } = {},
): FakeWebLlm {
  const engines: FakeMLCEngine[] = [];
  const cacheQueries: FakeWebLlm['cacheQueries'] = [];
  const script = options.script ?? {};
  class ScriptedFakeMLCEngine extends FakeMLCEngine {
    constructor(engineConfig: { appConfig?: { model_list: FakeEntry[] } }) {
      super(engineConfig, script);
      engines.push(this);
    }
  }
  const module = {
    MLCEngine: ScriptedFakeMLCEngine,
    prebuiltAppConfig: { cacheBackend: 'cache', model_list: options.prebuilt ?? [SMOLLM, TINY] },
    hasModelInCache: async (modelId: string, appConfig: { model_list: FakeEntry[] }) => {
      cacheQueries.push({ modelId, modelIds: appConfig.model_list.map((entry) => entry.model_id) });
      if (options.cacheThrows?.includes(modelId)) throw new Error('cache unavailable');
      return options.cached?.includes(modelId) ?? false;
    },
  } as unknown as WebLlmModule;
  const loadModule = vi.fn(async () => module);
  const loadCatalog = vi.fn(async () => module);
  return { module, engines, cacheQueries, loadModule, loadCatalog };
}

type Route = () => Response | Promise<Response>;
let fetchMock: ReturnType<typeof vi.fn<(input: string | URL | Request, init?: RequestInit) => Promise<Response>>>;

/** Stubs global fetch with a URL -> response table; unknown URLs fail the test loudly. */
function serve(routes: Record<string, Route>): void {
  fetchMock = vi.fn(async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const route = routes[url];
    if (!route) throw new Error(`unexpected fetch ${url}`);
    return route();
  });
  vi.stubGlobal('fetch', fetchMock);
}

const json =
  (value: unknown, status = 200): Route =>
  () =>
    new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
const bytes =
  (values: number[], status = 200): Route =>
  () =>
    new Response(new Uint8Array(values), { status, headers: { 'content-length': String(values.length) } });
const text =
  (body: string, status = 200): Route =>
  () =>
    new Response(body, { status });

function fetchedUrls(): string[] {
  return fetchMock.mock.calls.map(([input]) => String(input));
}

async function loadError(promise: Promise<unknown>): Promise<Error & { detail?: Record<string, string | number> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { detail?: Record<string, string | number> };
  }
  throw new Error('expected the load to fail');
}

const noProgress = () => {};

beforeEach(() => {
  serve({});
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('modelBaseUrl', () => {
  it('normalises a model folder the way web-llm does', () => {
    expect(modelBaseUrl('https://huggingface.co/mlc-ai/X-MLC')).toBe(
      'https://huggingface.co/mlc-ai/X-MLC/resolve/main/',
    );
    expect(modelBaseUrl('https://huggingface.co/mlc-ai/X-MLC/')).toBe(
      'https://huggingface.co/mlc-ai/X-MLC/resolve/main/',
    );
    expect(modelBaseUrl('https://huggingface.co/mlc-ai/X-MLC/resolve/v2/')).toBe(
      'https://huggingface.co/mlc-ai/X-MLC/resolve/v2/',
    );
  });
});

describe('WebLlmEngine.listModels', () => {
  it('puts valid custom entries ahead of the prebuilt ones and asks the cache about each', async () => {
    const fake = fakeWebLlm({ cached: ['SmolLM2-360M-Instruct-q4f32_1-MLC'], cacheThrows: [TINY.model_id] });
    const adapter = adapterOf(fake);
    const custom = {
      model: 'http://localhost:1234/models/custom-Instruct-q4f32_1-MLC',
      model_id: 'custom-Instruct-q4f32_1-MLC',
      model_lib: 'http://localhost:1234/libs/custom.wasm',
      vram_required_MB: 50,
    };
    const models = await adapter.listModels({
      webllm: [custom, { model_id: 'no-urls' }, 'not-an-entry', null],
    });

    expect(models.map((model) => model.id)).toEqual([
      'custom-Instruct-q4f32_1-MLC',
      'SmolLM2-360M-Instruct-q4f32_1-MLC',
      'tiny-Instruct-q4f32_1-MLC',
    ]);
    expect(models.map((model) => model.cached)).toEqual([false, true, false]); // a throwing cache reads as not cached
    expect(models[0]).toMatchObject({ engine: 'webllm', kind: 'chat', vramMB: 50, quantization: 'q4f32_1' });
    expect(models[1]).toMatchObject({ parameters: '360M', contextWindow: 4096, lowResource: true });
    // hasModelInCache sees the merged catalog.
    expect(fake.cacheQueries).toHaveLength(3);
    for (const query of fake.cacheQueries) {
      expect(query.modelIds).toEqual([
        'custom-Instruct-q4f32_1-MLC',
        'SmolLM2-360M-Instruct-q4f32_1-MLC',
        'tiny-Instruct-q4f32_1-MLC',
      ]);
    }
  });

  it('lists without importing web-llm, loads a custom model after listing it, and imports web-llm once', async () => {
    const fake = fakeWebLlm();
    const adapter = adapterOf(fake);
    const custom = { ...TINY, model_id: 'custom-Instruct-q4f32_1-MLC' };
    await adapter.listModels({ webllm: [custom] });
    expect(fake.loadModule).not.toHaveBeenCalled();
    serve({ [TINY_CONFIG_URL]: json({ context_window_size: 2048 }), [TINY.model_lib]: bytes(WASM_BYTES) });

    await adapter.load('custom-Instruct-q4f32_1-MLC', noProgress, new AbortController().signal);

    const engine = fake.engines[0]!;
    expect(engine.calls).toContain('reload:custom-Instruct-q4f32_1-MLC');
    expect(engine.engineConfig.appConfig?.model_list[0]?.model_id).toBe('custom-Instruct-q4f32_1-MLC');
    expect(engine.appConfig?.model_list.map((entry) => entry.model_id)).toContain('custom-Instruct-q4f32_1-MLC');
    expect(fake.loadModule).toHaveBeenCalledTimes(1);
  });

  it('points public URLs at the mirror for listing and loading, and leaves self-hosted ones alone', async () => {
    const fake = fakeWebLlm({ prebuilt: [SMOLLM, TINY] });
    const adapter = adapterOf(fake);
    const custom = { mirror: { webllm: 'http://mirror.test/models/' } };
    await adapter.listModels(custom);
    const folder = 'http://mirror.test/models/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/';
    const library = 'http://mirror.test/models/libs/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm';
    serve({ [`${folder}mlc-chat-config.json`]: json({ context_window_size: 4096 }), [library]: bytes(WASM_BYTES) });

    await adapter.load(SMOLLM.model_id, noProgress, new AbortController().signal, { custom });

    expect(fetchedUrls()).toEqual([`${folder}mlc-chat-config.json`, library, `${folder}tensor-cache.json`]);
    const list = fake.engines[0]!.appConfig!.model_list;
    expect(list.find((entry) => entry.model_id === SMOLLM.model_id)).toMatchObject({
      model: folder,
      model_lib: library,
    });
    expect(list.find((entry) => entry.model_id === TINY.model_id)).toEqual(TINY);
  });

  it('lists only the prebuilt catalog without custom entries', async () => {
    const fake = fakeWebLlm({ prebuilt: [SMOLLM] });
    const models = await adapterOf(fake).listModels();
    expect(models.map((model) => model.id)).toEqual(['SmolLM2-360M-Instruct-q4f32_1-MLC']);
  });
});

describe('WebLlmEngine.load', () => {
  it('sets the progress callback before reload and maps web-llm progress to phases', async () => {
    const fake = fakeWebLlm({
      cached: [SMOLLM.model_id],
      script: {
        reload: async (engine) => {
          engine.report(0, 'Start to fetch params');
          engine.report(0.2, 'Loading model from cache[2/10]: 40MB loaded. 20% completed, 1 secs elapsed.', 1);
          engine.report(0.1, 'Loading GPU shader modules[5/50]: 10% completed, 2 secs elapsed.', 2);
          engine.report(1, 'Finish loading on WebGPU - google', 3);
        },
      },
    });
    const adapter = adapterOf(fake);
    const progress: EngineProgress[] = [];

    const result = await adapter.load(SMOLLM.model_id, (p) => progress.push(p), new AbortController().signal);

    const engine = fake.engines[0]!;
    expect(engine.calls).toEqual(['setInitProgressCallback', 'setAppConfig', `reload:${SMOLLM.model_id}`]);
    expect(progress).toEqual([
      {
        phase: 'downloading',
        fraction: 0,
        loadedBytes: undefined,
        totalBytes: undefined,
        detail: 'Start to fetch params',
      },
      {
        phase: 'loading',
        fraction: 0.2,
        loadedBytes: 40 * MIB,
        totalBytes: 200 * MIB,
        detail: 'Loading model from cache[2/10]: 40MB loaded. 20% completed, 1 secs elapsed.',
      },
      { phase: 'compiling', fraction: 0.1, detail: 'Loading GPU shader modules[5/50]: 10% completed, 2 secs elapsed.' },
      { phase: 'compiling', fraction: 1, detail: 'Finish loading on WebGPU - google' },
    ]);
    // Cached: nothing fetched, nothing downloaded; weights from the "loaded" total.
    expect(fetchMock).not.toHaveBeenCalled();
    expect(result).toEqual({ fromCache: true, downloadedBytes: 0, weightBytes: 200 * MIB, contextWindow: 4096 });
  });

  it('reuses one MLCEngine across loads', async () => {
    const fake = fakeWebLlm({ cached: [SMOLLM.model_id, TINY.model_id] });
    const adapter = adapterOf(fake);
    await adapter.load(SMOLLM.model_id, noProgress, new AbortController().signal);
    await adapter.load(TINY.model_id, noProgress, new AbortController().signal);
    expect(fake.engines).toHaveLength(1);
    expect(fake.engines[0]!.calls.filter((call) => call.startsWith('reload:'))).toEqual([
      `reload:${SMOLLM.model_id}`,
      `reload:${TINY.model_id}`,
    ]);
  });

  it('rejects an id the catalog does not have', async () => {
    const fake = fakeWebLlm();
    const error = await loadError(adapterOf(fake).load('nope', noProgress, new AbortController().signal));
    expect(error.name).toBe('ModelNotFoundError');
    expect(classifyError(serializeError(error))).toBe('model-config-invalid');
  });

  it('cancels through the signal during reload: unloads and rejects with AbortError although reload resolves', async () => {
    let reloadStarted!: () => void;
    const started = new Promise<void>((resolve) => (reloadStarted = resolve));
    const fake = fakeWebLlm({
      cached: [SMOLLM.model_id],
      script: {
        // Like web-llm: unload() makes the pending reload return normally.
        reload: async (engine) => {
          const unloaded = engine.untilUnload();
          reloadStarted();
          await unloaded;
        },
      },
    });
    const adapter = adapterOf(fake);
    const controller = new AbortController();
    const loading = adapter.load(SMOLLM.model_id, noProgress, controller.signal);
    await started;
    controller.abort();

    const error = await loadError(loading);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('AbortError');
    expect(fake.engines[0]!.calls).toEqual([
      'setInitProgressCallback',
      'setAppConfig',
      `reload:${SMOLLM.model_id}`,
      'unload',
    ]);
  });

  it('reports AbortError, not the engine error, when reload fails after a cancel', async () => {
    const controller = new AbortController();
    const fake = fakeWebLlm({
      cached: [SMOLLM.model_id],
      script: {
        reload: async () => {
          controller.abort();
          throw new Error('Model unloaded before initialization completed');
        },
      },
    });
    const error = await loadError(adapterOf(fake).load(SMOLLM.model_id, noProgress, controller.signal));
    expect(error.name).toBe('AbortError');
  });

  it('stops listening to the signal once loaded', async () => {
    const fake = fakeWebLlm({ cached: [SMOLLM.model_id] });
    const controller = new AbortController();
    await adapterOf(fake).load(SMOLLM.model_id, noProgress, controller.signal);
    controller.abort();
    expect(fake.engines[0]!.calls).not.toContain('unload');
  });

  it('does not start web-llm when the signal is already aborted', async () => {
    const fake = fakeWebLlm({ cached: [SMOLLM.model_id] });
    const controller = new AbortController();
    controller.abort();
    const error = await loadError(adapterOf(fake).load(SMOLLM.model_id, noProgress, controller.signal));
    expect(error.name).toBe('AbortError');
    expect(fake.engines).toHaveLength(0);
  });

  it("keeps the name of web-llm's own errors", async () => {
    class ShaderF16SupportError extends Error {
      constructor() {
        super('This model requires WebGPU extension shader-f16, which is not enabled in this browser.');
        this.name = 'ShaderF16SupportError';
      }
    }
    const thrown = new ShaderF16SupportError();
    const fake = fakeWebLlm({
      cached: [SMOLLM.model_id],
      script: {
        reload: async () => {
          throw thrown;
        },
      },
    });
    const error = await loadError(adapterOf(fake).load(SMOLLM.model_id, noProgress, new AbortController().signal));
    expect(error).toBe(thrown);
    expect(error.name).toBe('ShaderF16SupportError');
    expect(classifyError(serializeError(error))).toBe('needs-f16');
  });

  it('passes a CompileError through when the library was not checked (cached model)', async () => {
    const fake = fakeWebLlm({
      cached: [SMOLLM.model_id],
      script: {
        reload: async () => {
          throw new WebAssembly.CompileError('WebAssembly.instantiate(): expected magic word');
        },
      },
    });
    const error = await loadError(adapterOf(fake).load(SMOLLM.model_id, noProgress, new AbortController().signal));
    expect(error.name).toBe('CompileError');
  });
});

describe('WebLlmEngine.load preflight (model not cached)', () => {
  it('refuses a download the storage quota cannot hold, before web-llm fetches a weight', async () => {
    serve({
      [TINY_CONFIG_URL]: json({ context_window_size: 2048 }),
      [TINY.model_lib]: bytes(WASM_BYTES),
      [TINY_TENSOR_CACHE_URL]: json({
        records: [{ dataPath: 'params_shard_0.bin', nbytes: 600_000 }, { nbytes: 400_000 }],
      }),
    });
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 100_000, quota: 600_000 }) } });
    const fake = fakeWebLlm();
    const adapter = adapterOf(fake);
    await expect(adapter.load(TINY.model_id, noProgress, new AbortController().signal)).rejects.toMatchObject({
      name: ERROR_NAMES.storageInsufficient,
      detail: { neededBytes: 1_000_000, freeBytes: 500_000, quotaBytes: 600_000 },
    });
    expect(fake.engines.flatMap((engine) => engine.calls).filter((call) => call.startsWith('reload:'))).toEqual([]);
  });

  it('fetches the chat config, then the library, then reloads', async () => {
    serve({
      [TINY_CONFIG_URL]: json({ context_window_size: 2048 }),
      [TINY.model_lib]: bytes(WASM_BYTES),
    });
    const fake = fakeWebLlm({
      script: {
        reload: async (engine) => {
          engine.report(0, 'Start to fetch params');
          engine.report(0.3, 'Fetching param cache[3/10]: 120MB fetched. 30% completed, 4 secs elapsed.', 4);
          engine.report(1, 'Fetching param cache[10/10]: 400MB fetched. 100% completed, 9 secs elapsed.', 9);
          engine.report(1, 'Finish loading on WebGPU - google', 10);
        },
      },
    });
    const progress: EngineProgress[] = [];
    const controller = new AbortController();

    const result = await adapterOf(fake).load(TINY.model_id, (p) => progress.push(p), controller.signal);

    expect(fetchedUrls()).toEqual([TINY_CONFIG_URL, TINY.model_lib, TINY_TENSOR_CACHE_URL]);
    for (const [, init] of fetchMock.mock.calls) expect(init?.signal).toBe(controller.signal);
    expect(fake.engines[0]!.calls).toContain(`reload:${TINY.model_id}`);
    expect(progress.slice(0, 3)).toEqual([
      { phase: 'preparing', fraction: undefined, detail: `Fetching model configuration from ${TINY_CONFIG_URL}` },
      {
        phase: 'downloading',
        fraction: undefined,
        loadedBytes: 0,
        detail: `Downloading model library ${TINY.model_lib}`,
      },
      {
        phase: 'downloading',
        fraction: 1,
        loadedBytes: 8,
        totalBytes: 8,
        detail: `Downloading model library ${TINY.model_lib}`,
      },
    ]);
    expect(progress.map((p) => p.phase).slice(3)).toEqual(['downloading', 'downloading', 'downloading', 'compiling']);
    // Weights fetched by web-llm (400 MiB) plus the 8-byte library; context window from the config.
    expect(result).toEqual({
      fromCache: false,
      downloadedBytes: 400 * MIB + 8,
      weightBytes: 400 * MIB,
      contextWindow: 2048,
    });
  });

  it('prefers the catalog context window over the config', async () => {
    serve({ [TINY_CONFIG_URL]: json({ context_window_size: 2048 }), [TINY.model_lib]: bytes(WASM_BYTES) });
    const fake = fakeWebLlm({ prebuilt: [{ ...TINY, overrides: { context_window_size: 1024 } }] });
    const result = await adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal);
    expect(result.contextWindow).toBe(1024);
  });

  it('skips the config for a model with a manifest', async () => {
    serve({ [TINY.model_lib]: bytes(WASM_BYTES) });
    const fake = fakeWebLlm({ prebuilt: [{ ...TINY, model_manifest: 'mlc-model-manifest.json' }] });
    const result = await adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal);
    expect(fetchedUrls()).toEqual([TINY.model_lib, TINY_TENSOR_CACHE_URL]);
    expect(result.contextWindow).toBeUndefined();
  });

  it('names a library that answers 404 as missing, with its URL and status', async () => {
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: text('Not Found', 404) });
    const fake = fakeWebLlm();
    const error = await loadError(adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal));
    expect(error.name).toBe(ERROR_NAMES.modelLibMissing);
    expect(error.detail).toEqual({ url: TINY.model_lib, status: 404 });
    expect(classifyError(serializeError(error))).toBe('model-lib-missing');
    expect(fake.engines).toHaveLength(0); // web-llm never saw the broken model
  });

  it('names a library that answers 500 as a failed download', async () => {
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: text('oops', 500) });
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal),
    );
    expect(error.name).toBe(ERROR_NAMES.downloadFailed);
    expect(error.detail).toEqual({ url: TINY.model_lib, status: 500 });
  });

  it('names a library that is not WebAssembly (an HTML page) as invalid', async () => {
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: text('<html><body>Not here</body></html>') });
    const fake = fakeWebLlm();
    const error = await loadError(adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal));
    expect(error.name).toBe(ERROR_NAMES.modelLibInvalid);
    expect(error.message).toBe('The model library is not a WebAssembly file.');
    expect(error.detail).toEqual({ url: TINY.model_lib, bytes: 34 });
    expect(classifyError(serializeError(error))).toBe('model-lib-invalid');
    expect(fake.engines).toHaveLength(0);
  });

  it('names a library with the magic number but broken contents as invalid', async () => {
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: bytes([...WASM_BYTES, 0x63]) });
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal),
    );
    expect(error.name).toBe(ERROR_NAMES.modelLibInvalid);
    expect(error.message).toBe('The model library is not valid WebAssembly.');
  });

  it('names a missing chat config', async () => {
    serve({ [TINY_CONFIG_URL]: text('Not Found', 404) });
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal),
    );
    expect(error.name).toBe(ERROR_NAMES.modelConfigInvalid);
    expect(error.detail).toEqual({ url: TINY_CONFIG_URL, status: 404 });
    expect(fetchedUrls()).toEqual([TINY_CONFIG_URL]); // the library is not fetched
    expect(classifyError(serializeError(error))).toBe('model-config-invalid');
  });

  it('names a chat config that is not JSON', async () => {
    serve({ [TINY_CONFIG_URL]: text('<html>') });
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal),
    );
    expect(error.name).toBe(ERROR_NAMES.modelConfigInvalid);
    expect(error.message).toBe('The model configuration is not valid JSON.');
  });

  it('names an unreachable server as a failed download', async () => {
    fetchMock = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    vi.stubGlobal('fetch', fetchMock);
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal),
    );
    expect(error.name).toBe(ERROR_NAMES.downloadFailed);
    expect(error.message).toBe(`Could not reach ${TINY_CONFIG_URL}: fetch failed`);
    expect(error.detail).toEqual({ url: TINY_CONFIG_URL });
    expect(classifyError(serializeError(error))).toBe('download-failed');
  });

  it('reports a cancel during the preflight as AbortError, not a failed download', async () => {
    let fetchStarted!: () => void;
    const started = new Promise<void>((resolve) => (fetchStarted = resolve));
    fetchMock = vi.fn(
      (_input: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('The operation was aborted.', 'AbortError')),
          );
          fetchStarted();
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const fake = fakeWebLlm();
    const controller = new AbortController();
    const loading = adapterOf(fake).load(TINY.model_id, noProgress, controller.signal);
    await started;
    controller.abort();
    const error = await loadError(loading);
    expect(error.name).toBe('AbortError');
    expect(fake.engines).toHaveLength(0);
  });

  it('names a checked library that web-llm cannot instantiate as invalid', async () => {
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: bytes(WASM_BYTES) });
    const fake = fakeWebLlm({
      script: {
        reload: async () => {
          throw new WebAssembly.LinkError('WebAssembly.Instance(): Import #0 module="env": module is not an object');
        },
      },
    });
    const error = await loadError(adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal));
    expect(error.name).toBe(ERROR_NAMES.modelLibInvalid);
    expect(error.detail).toEqual({ url: TINY.model_lib, mismatch: 'runtime' });
    expect(error.message).toMatch(/built for another version of web-llm's runtime/);
  });

  it('works without the Cache API for a remote library (Node has no `caches`)', async () => {
    expect('caches' in globalThis).toBe(false);
    const remote = { ...TINY, model_lib: 'https://cdn.example.test/libs/tiny-webgpu.wasm' };
    serve({ [TINY_CONFIG_URL]: json({}), [remote.model_lib]: bytes(WASM_BYTES) });
    const fake = fakeWebLlm({ prebuilt: [remote] });
    const result = await adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal);
    expect(fetchedUrls()).toEqual([TINY_CONFIG_URL, remote.model_lib, TINY_TENSOR_CACHE_URL]);
    expect(result.downloadedBytes).toBe(8);
  });

  describe('with a Cache API', () => {
    /** A CacheStorage stand-in that records which scopes were opened and what was stored. */
    class FakeCacheStorage {
      readonly opened: string[] = [];
      readonly stored = new Map<string, Response>();
      async open(name: string) {
        this.opened.push(name);
        return {
          match: async (url: string) => this.stored.get(url)?.clone(),
          put: async (url: string, response: Response) => void this.stored.set(url, response),
        };
      }
    }
    const remote = { ...TINY, model_lib: 'https://cdn.example.test/libs/tiny-webgpu.wasm' };

    it('stores the preflighted library, config and manifest where web-llm looks for them: each is fetched once', async () => {
      const storage = new FakeCacheStorage();
      vi.stubGlobal('caches', storage);
      serve({
        [TINY_CONFIG_URL]: json({}),
        [remote.model_lib]: bytes(WASM_BYTES),
        [TINY_TENSOR_CACHE_URL]: json({ records: [{ nbytes: 100 }] }),
      });
      const adapter = adapterOf(fakeWebLlm({ prebuilt: [remote] }));

      const first = await adapter.load(TINY.model_id, noProgress, new AbortController().signal);
      expect(new Set(storage.opened)).toEqual(new Set(['webllm/config', 'webllm/wasm', 'webllm/model']));
      expect(await storage.stored.get(TINY_CONFIG_URL)?.clone().json()).toEqual({});
      expect(await storage.stored.get(TINY_TENSOR_CACHE_URL)?.clone().json()).toEqual({ records: [{ nbytes: 100 }] });
      const stored = storage.stored.get(remote.model_lib);
      expect(stored?.headers.get('content-type')).toBe('application/wasm');
      expect([...new Uint8Array(await stored!.clone().arrayBuffer())]).toEqual(WASM_BYTES);
      expect(first.downloadedBytes).toBe(8);

      const second = await adapter.load(TINY.model_id, noProgress, new AbortController().signal);
      expect(fetchedUrls()).toEqual([TINY_CONFIG_URL, remote.model_lib, TINY_TENSOR_CACHE_URL]);
      expect(second.downloadedBytes).toBe(0);
    });

    it('leaves a localhost library out of the cache, as web-llm does', async () => {
      const storage = new FakeCacheStorage();
      vi.stubGlobal('caches', storage);
      serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: bytes(WASM_BYTES) });
      await adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal);
      expect(storage.opened).not.toContain('webllm/wasm');
      expect(storage.stored.has(TINY.model_lib)).toBe(false);
    });
  });
});

describe('WebLlmEngine.load with synthetic weights', () => {
  /** A CacheStorage stand-in with every call web-llm's scopes get here. */
  class ScopedCacheStorage {
    readonly scopes = new Map<string, Map<string, Response>>();
    async has(name: string) {
      return this.scopes.has(name);
    }
    async open(name: string) {
      const scope = this.scopes.get(name) ?? new Map<string, Response>();
      this.scopes.set(name, scope);
      return {
        match: async (url: string) => scope.get(url)?.clone(),
        put: async (url: string, response: Response) => void scope.set(url, response),
        keys: async () => [...scope.keys()].map((url) => new Request(url)),
        delete: async (request: Request) => scope.delete(request.url),
      };
    }
    urls(): string[] {
      return [...this.scopes.values()].flatMap((scope) => [...scope.keys()]);
    }
  }
  const PARAMS = [
    { name: 'w.q_weight', shape: [4, 2], dtype: 'uint32' },
    { name: 'w.q_scale', shape: [4], dtype: 'float32' },
  ];
  /** A valid WebAssembly module whose custom section carries the library metadata, as MLC's do in data. */
  function libraryWithMetadata(metadata: object): number[] {
    const payload = [...new TextEncoder().encode(JSON.stringify(metadata))];
    const name = [...new TextEncoder().encode('m')];
    const body = [name.length, ...name, ...payload];
    const leb = (n: number) => {
      const out: number[] = [];
      do {
        out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        n >>>= 7;
      } while (n > 0);
      return out;
    };
    return [...WASM_BYTES, 0, ...leb(body.length), ...body];
  }
  const LIBRARY = libraryWithMetadata({ model_type: 'qwen2', params: PARAMS });
  const TOKENIZER_URL = TINY_CONFIG_URL.replace('mlc-chat-config.json', 'tokenizer.json');
  const SYNTHETIC_BASE =
    'https://edge-llm-synthetic.invalid/localhost:1234/models/tiny-Instruct-q4f32_1-MLC/resolve/main/';
  const routes = {
    [TINY_CONFIG_URL]: json({ context_window_size: 2048, tokenizer_files: ['tokenizer.json', 'vocab.json'] }),
    [TOKENIZER_URL]: json({ model: {} }),
    [TINY.model_lib]: bytes(LIBRARY),
  };

  it('fetches only the library, config and tokenizer, has web-llm load a synthetic folder, then deletes it', async () => {
    const storage = new ScopedCacheStorage();
    vi.stubGlobal('caches', storage);
    serve(routes);
    let seenDuringReload: string[] = [];
    let loadedFrom: FakeEntry | undefined;
    const fake = fakeWebLlm({
      script: {
        reload: async (engine, modelId) => {
          seenDuringReload = storage.urls();
          loadedFrom = engine.appConfig?.model_list.find((entry) => entry.model_id === modelId);
        },
      },
    });
    const result = await adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal, {
      weights: 'synthetic',
    });
    expect(fetchedUrls()).toEqual([TINY.model_lib, TINY_CONFIG_URL, TOKENIZER_URL]);
    expect(loadedFrom).toMatchObject({ model: SYNTHETIC_BASE, model_lib: TINY.model_lib, model_id: TINY.model_id });
    expect(fake.engines[0]!.appConfig).toMatchObject({ cacheBackend: 'cache' });
    expect(seenDuringReload.sort()).toEqual(
      ['mlc-chat-config.json', 'ndarray-cache.json', 'params_shard_0.bin', 'tensor-cache.json', 'tokenizer.json']
        .map((name) => SYNTHETIC_BASE + name)
        .sort(),
    );
    expect(storage.urls()).toEqual([]);
    expect(result).toMatchObject({ fromCache: false, weightBytes: 32 + 16, contextWindow: 2048 });
    expect(result.downloadedBytes).toBeGreaterThan(LIBRARY.length);
  });

  it('deletes the synthetic folder when web-llm refuses the library, and names a runtime mismatch', async () => {
    const storage = new ScopedCacheStorage();
    vi.stubGlobal('caches', storage);
    serve(routes);
    const fake = fakeWebLlm({
      script: {
        reload: async () => {
          throw new WebAssembly.LinkError(
            'WebAssembly.instantiate(): Import #3 "env" "_ZN3tvm7runtime9threading": ...',
          );
        },
      },
    });
    const error = await loadError(
      adapterOf(fake).load(TINY.model_id, noProgress, new AbortController().signal, { weights: 'synthetic' }),
    );
    expect(error.name).toBe(ERROR_NAMES.modelLibInvalid);
    expect(error.detail).toEqual({ url: TINY.model_lib, mismatch: 'runtime' });
    expect(storage.urls()).toEqual([]);
  });

  it("deletes a crashed tab's synthetic leftovers at the start of a real load, and keeps real entries", async () => {
    const storage = new ScopedCacheStorage();
    vi.stubGlobal('caches', storage);
    await (await storage.open('webllm/model')).put(`${SYNTHETIC_BASE}params_shard_0.bin`, new Response('x'));
    await (await storage.open('webllm/model')).put(TOKENIZER_URL, new Response('real'));
    serve({ [TINY_CONFIG_URL]: json({}), [TINY.model_lib]: bytes(WASM_BYTES) });
    await adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal);
    expect(storage.urls()).toContain(TOKENIZER_URL);
    expect(storage.urls().some((url) => url.startsWith(SYNTHETIC_BASE))).toBe(false);
  });

  it('refuses a library without a weight list, before any config is fetched', async () => {
    vi.stubGlobal('caches', new ScopedCacheStorage());
    serve({ ...routes, [TINY.model_lib]: bytes(WASM_BYTES) });
    const error = await loadError(
      adapterOf(fakeWebLlm()).load(TINY.model_id, noProgress, new AbortController().signal, { weights: 'synthetic' }),
    );
    expect(error.name).toBe(ERROR_NAMES.syntheticUnsupported);
    expect(error.message).toMatch(/no usable weight list/);
    expect(fetchedUrls()).toEqual([TINY.model_lib]);
  });
});

describe('WebLlmEngine.generate', () => {
  const request = {
    messages: [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
    ],
    maxTokens: 64,
    temperature: 0.7,
  };
  const usageChunk: FakeChunk = {
    choices: [],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      extra: { time_to_first_token_s: 0.2, prefill_tokens_per_s: 60, decode_tokens_per_s: 25 },
    },
  };

  async function loaded(script: FakeScript) {
    const fake = fakeWebLlm({ cached: [SMOLLM.model_id], script });
    const adapter = adapterOf(fake);
    await adapter.load(SMOLLM.model_id, noProgress, new AbortController().signal);
    return { adapter, engine: fake.engines[0]! };
  }

  it('streams with usage, forwards each delta, and reads counts and figures from the usage chunk', async () => {
    const { adapter, engine } = await loaded({
      stream: () => chunks([delta('Hel'), delta(''), delta('lo'), delta('!', 'stop'), usageChunk]),
    });
    const deltas: [string, number][] = [];

    const result = await adapter.generate(request, (text, tokens) => deltas.push([text, tokens]));

    expect(engine.chatRequests).toEqual([
      {
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 64,
        temperature: 0.7,
      },
    ]);
    expect(deltas).toEqual([
      ['Hel', 1],
      ['lo', 1],
      ['!', 1],
    ]);
    expect(result).toEqual({
      promptTokens: 12,
      outputTokens: 3,
      finishReason: 'stop',
      figures: { ttftMs: 200, prefillTokensPerSecond: 60, decodeTokensPerSecond: 25 },
    });
  });

  it.each([
    ['length', 'length'],
    ['abort', 'aborted'],
    ['stop', 'stop'],
    [null, 'stop'],
  ] as const)('maps finish_reason %s to %s', async (finish, expected) => {
    const { adapter } = await loaded({ stream: () => chunks([delta('a', finish), usageChunk]) });
    expect((await adapter.generate(request, () => {})).finishReason).toBe(expected);
  });

  it('has zero counts and no engine figures when no usage chunk comes', async () => {
    const { adapter } = await loaded({
      stream: () => chunks([delta('a'), { choices: [{ delta: { content: null }, finish_reason: 'stop' }] }]),
    });
    const deltas: string[] = [];
    expect(await adapter.generate(request, (text) => deltas.push(text))).toEqual({
      promptTokens: 0,
      outputTokens: 0,
      finishReason: 'stop',
      figures: undefined,
    });
    expect(deltas).toEqual(['a']);
  });

  it('interrupt() asks web-llm to stop the reply in flight', async () => {
    const { adapter, engine } = await loaded({
      stream: async function* (fakeEngine) {
        yield delta('one');
        await fakeEngine.untilInterrupt();
        yield delta('', 'abort');
        yield usageChunk;
      },
    });
    const deltas: string[] = [];
    const reply = adapter.generate(request, (text) => {
      deltas.push(text);
      adapter.interrupt();
    });
    const result = await reply;
    expect(engine.calls.filter((call) => call === 'interruptGenerate')).toHaveLength(1);
    expect(deltas).toEqual(['one']);
    expect(result.finishReason).toBe('aborted');
  });

  it('refuses to generate before a model is loaded, and interrupt() is then harmless', async () => {
    const adapter = adapterOf(fakeWebLlm());
    expect(() => adapter.interrupt()).not.toThrow();
    const error = await loadError(adapter.generate(request, () => {}));
    expect(error.name).toBe('ModelNotLoadedError');
    expect(classifyError(serializeError(error))).toBe('model-not-loaded');
  });

  it('unload() unloads the web-llm engine', async () => {
    const { adapter, engine } = await loaded({});
    await adapter.unload();
    expect(engine.calls.at(-1)).toBe('unload');
  });
});
