/**
 * The contract between the page and the engine worker.
 *
 * The page imports this file as types only; the worker implements {@link EngineWorkerApi} and
 * exposes it with comlink. Everything that crosses the boundary is plain structured-clone data,
 * except the callbacks, which the client wraps in `Comlink.proxy`.
 */
import type { ForcedChoices, ForcedInput } from './forced-choices-api.js';
import type { GpuProbeOptions, GpuProbeReport } from './gpu-probe-api.js';
export type { ForcedChoices, ForcedInput } from './forced-choices-api.js';

export type {
  GpuProbeOptions,
  GpuProbeReport,
  ProbeCheck,
  ProbeKernelId,
  ProbeKernelResult,
  SampleSummary,
} from './gpu-probe-api.js';

/** Engines that can sit behind the worker interface. */
export type EngineId = 'webllm' | 'transformers' | 'llamacpp' | 'double';

/** What a catalog entry is for; the picker shows chat models unless asked for all. */
export type ModelKind = 'chat' | 'base' | 'vision' | 'embedding';

/** One model an engine can load, normalised from that engine's own catalog. */
export interface ModelRecord {
  id: string;
  engine: EngineId;
  kind: ModelKind;
  /** Human family name, e.g. "Llama 3.2". */
  family: string;
  /** Parameter count as printed on the model card, e.g. "1B", "360M". */
  parameters: string;
  /** Parameters as a number, for sorting; undefined when the id does not say. */
  parameterCount: number | undefined;
  /** Quantization code, e.g. "q4f16_1"; "" when unknown. */
  quantization: string;
  /** GPU memory the engine needs, in MiB: declared by the engine, or estimated (see below). */
  vramMB: number;
  /** True when `vramMB` is edge-llm's estimate from parameters and quantization, not declared. */
  vramIsEstimate?: boolean;
  contextWindow: number | undefined;
  requiredFeatures: string[];
  /** Largest single storage buffer the model binds, in bytes, when declared. */
  bufferSizeRequiredBytes: number | undefined;
  /** True when the engine says the model runs on low-resource devices. */
  lowResource: boolean;
  /** True when every file of the model is already in the browser's cache. */
  cached: boolean;
  /** Bytes of the model's files as published, when the catalog knows them (not web-llm's). */
  downloadBytes?: number;
}

/** Extra models the host page (or a test) adds to an engine's catalog. */
export interface CustomModelSource {
  /** web-llm `ModelRecord`-shaped entries with absolute `model` and `model_lib` URLs. */
  webllm?: unknown[];
  /** transformers.js model folders: an absolute URL of a folder laid out like a hub repo. */
  transformers?: TransformersModelSource[];
  /** transformers.js hub models ("org/name"), fetched from the hub or from the mirror. */
  transformersHub?: TransformersHubSource[];
  /** GGUF files for llama.cpp: the absolute URL of each file (the first part of a split model). */
  llamacpp?: LlamaCppModelSource[];
  /**
   * Mirror base URLs per engine (see src/core/mirror-urls.ts). Carried with the custom models so
   * that it reaches the worker wherever they do: listings, and every element's load.
   */
  mirror?: MirrorBases;
}

/** Mirror base URLs, one per engine; an engine without one fetches from the public hosts. */
export interface MirrorBases {
  /** Replaces huggingface.co (model folders) and raw.githubusercontent.com (model libraries). */
  webllm?: string;
  /** Replaces huggingface.co for transformers.js hub models. */
  transformers?: string;
  /** Replaces huggingface.co for llama.cpp GGUF files. */
  llamacpp?: string;
}

export interface LlamaCppModelSource {
  /** Absolute URL of a `.gguf` file; for a split model, its first part (`...-00001-of-0000N.gguf`). */
  url: string;
  /** Shown in the picker; defaults to the file name. */
  name?: string;
}

/**
 * Where an engine really computed, as it reports it after a load (never what was merely asked
 * for): the device, the CPU threads, and why when it is not the GPU or not every thread.
 */
export interface ComputeReport {
  /** What ran the model, as people know it ("llama.cpp"). */
  runtime: string;
  device: 'webgpu' | 'cpu';
  /** CPU threads the engine runs; undefined when the engine does not say. */
  threads: number | undefined;
  /** Layers on the GPU and in all, where the engine reports placement (llama.cpp). */
  gpuLayers?: number;
  totalLayers?: number;
  /** One sentence: why the CPU, why fewer threads, or a partial offload. */
  reason?: string;
}

export interface TransformersHubSource {
  /** Hub id, e.g. "onnx-community/Qwen2.5-0.5B-Instruct". */
  model: string;
  /** Weights variant to load, e.g. "q4". */
  dtype: string;
  /** Shown in the picker; defaults to the repository name. */
  name?: string;
}

export interface TransformersModelSource {
  /** Absolute URL of the model folder (holding config.json, tokenizer.json, onnx/...). */
  url: string;
  /** Weights variant to load, e.g. "fp32", "q4", "q4f16". */
  dtype: string;
  /** Shown in the picker; defaults to the folder name. */
  name?: string;
}

/** What the worker sees of the GPU, read once through `navigator.gpu.requestAdapter()`. */
export interface DeviceReport {
  webgpu: 'available' | 'no-navigator-gpu' | 'no-adapter';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
  };
  /** Every limit the adapter reports (a benchmark's device fingerprint); absent without an adapter. */
  allLimits?: Record<string, number>;
  /** `navigator.deviceMemory` in GiB (browsers cap and round it); undefined when not given. */
  deviceMemoryGB: number | undefined;
  hardwareConcurrency: number | undefined;
  /**
   * True when the origin private file system is there (llama.cpp stores its models in it); false
   * where it is not (a page served over plain HTTP); undefined when not probed.
   */
  privateFileSystem?: boolean;
}

export type LoadPhase = 'preparing' | 'downloading' | 'loading' | 'compiling' | 'done';

export interface LoadProgress {
  phase: LoadPhase;
  /** 0..1 within the whole load where known; undefined when indeterminate. */
  fraction: number | undefined;
  loadedBytes: number | undefined;
  totalBytes: number | undefined;
  elapsedMs: number;
  /** The engine's own words, for the curious. */
  detail: string;
}

export interface LoadReport {
  modelId: string;
  engine: EngineId;
  fromCache: boolean;
  durationMs: number;
  /** Bytes fetched from the network during this load, when the engine reports them. */
  downloadedBytes: number | undefined;
  /** Model weights in bytes as the engine declares them, when known. */
  weightBytes: number | undefined;
  contextWindow: number | undefined;
  /** KV-cache bytes each token of context adds, from the model's config, when known. */
  kvBytesPerToken?: number;
  /**
   * Set when the browser refused to store some of the model's files (a private window, a full
   * disk): the model runs, but downloads again next time. A `storage-refused` error to show.
   */
  notStored?: SerializedError;
  /** Where the engine computes, when it reports it. */
  compute?: ComputeReport;
}

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** 0 decodes greedily (deterministic). */
  temperature: number;
  /**
   * Keep decoding past the end-of-sequence token until `maxTokens`, where the engine allows it,
   * so benchmarks time a fixed number of tokens.
   */
  ignoreEos?: boolean;
}

/**
 * Where an engine runs its kernels; engines that offer a choice honour it. "wasm" is the CPU
 * through WebAssembly (ONNX Runtime's WASM backend, llama.cpp's CPU backend).
 */
export type ComputeDevice = 'webgpu' | 'wasm';

export interface LoadOptions {
  device?: ComputeDevice;
  /** CPU threads for engines that run them (llama.cpp); default: the device's cores minus one. */
  threads?: number;
  /** Catalog entries the model may come from (self-hosted or test models). */
  custom?: CustomModelSource;
  /**
   * "synthetic": measure without downloading the weights. The engine reads only the model's
   * header (llama.cpp: the GGUF metadata, tokenizer and tensor table, by HTTP range requests;
   * web-llm: the model library, whose metadata lists every weight, the chat config and the
   * tokenizer) and fills every tensor with random values of the same types and sizes in the worker.
   * Nothing is kept: web-llm's synthetic folder lives under a reserved URL only until web-llm has
   * the weights on the GPU. Speed only, no quality. Engines that cannot do it refuse the load.
   */
  weights?: 'synthetic';
}

/** A prompt's size as the loaded engine reads it: chat template applied, reply header appended. */
export interface PromptTokenCount {
  tokens: number;
  /** "tokenizer": the engine's own count. "estimate": src/core/token-estimate.ts, which errs high. */
  method: 'tokenizer' | 'estimate';
}

/** Tokens decoded since the previous batch. Batches are coalesced in the worker. */
export interface TokenBatch {
  text: string;
  tokens: number;
  /** Output tokens so far in this reply. */
  totalTokens: number;
  /** Worker clock: ms since the request was accepted. */
  elapsedMs: number;
  /** Worker clock: ms since the request when the first token arrived. */
  firstTokenMs: number;
}

/** Timing figures for one reply, as defined in DESIGN.md. */
export interface TimingFigures {
  ttftMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export type FinishReason = 'stop' | 'length' | 'aborted';

export interface GenerationStats extends TimingFigures {
  promptTokens: number;
  outputTokens: number;
  finishReason: FinishReason;
  totalMs: number;
  /** The engine's own figures, when it reports them. */
  engine: TimingFigures | undefined;
  /** Wall-clock figures measured in the worker around the engine. */
  wallClock: TimingFigures;
  /** Figures that differ by more than the tolerance between engine and wall clock. */
  disagreements: (keyof TimingFigures)[];
  /** Peak GPU memory during the reply; undefined when the engine's GPU memory is not visible to the tracker. */
  gpuMemoryPeakBytes: number | undefined;
  /** Where the reply was computed, when the engine reports it. */
  compute?: ComputeReport;
  /**
   * Token batches the worker sent for this reply. Batches travel on the callback's own message
   * port, so they can arrive after the result: the page waits until it has seen this many.
   */
  batches: number;
}

export interface MemorySnapshot {
  /** Bytes of GPU buffers alive now on every device the worker created. */
  currentBytes: number;
  peakBytes: number;
  buffers: number;
  devices: number;
  lostDevices: number;
  /** JS heap of the worker, when the browser reports it. */
  workerHeapBytes: number | undefined;
  /**
   * Set when the loaded engine's GPU memory cannot be measured (llama.cpp's device lives in
   * wllama's own worker): why. The GPU figures above then do not include the model.
   */
  gpuNotMeasured?: string;
  /** Memory the loaded model takes in the engine's WebAssembly heap on the CPU path, when known. */
  engineRamBytes?: number;
}

/** A GPU device the worker's engines held was lost (not destroyed on purpose). */
export interface DeviceLoss {
  /** `GPUDeviceLostInfo.reason`: "unknown" for a real loss, "destroyed" for a simulated one. */
  reason: string;
  /** The browser's own words. */
  message: string;
  /** Devices lost in this worker so far, as in {@link MemorySnapshot.lostDevices}. */
  lostDevices: number;
}

/** An error as it crosses the boundary: the original name and message, never swallowed. */
export interface SerializedError {
  name: string;
  message: string;
  /** Set by edge-llm's own checks (e.g. a model library that answered 404). */
  code?: string;
  detail?: Record<string, string | number>;
}

/**
 * One model's files in the browser's storage, grouped by the folder they were fetched from (a
 * folder can hold several weights variants; they share its config and tokenizer).
 */
export interface CachedModel {
  engine: EngineId;
  /** The folder URL the files came from; what {@link EngineWorkerApi.deleteCachedModel} takes. */
  key: string;
  /** Human name: the repository or folder name. */
  name: string;
  /** Catalog ids the cached files can load, one per weights variant found. */
  modelIds: string[];
  /** Bytes of every stored file of the model. */
  bytes: number;
  files: number;
  /** When the model was last loaded (ms since the epoch); undefined when edge-llm never recorded it. */
  lastUsed: number | undefined;
  /**
   * False when only part of the model is stored (a load that stopped early left its config
   * behind): it cannot load without a network. Undefined when the engine cannot tell.
   */
  complete?: boolean;
}

/** The worker's API. Every method is safe to call again after it failed. */
export interface EngineWorkerApi {
  probeDevice(): Promise<DeviceReport>;
  /**
   * Runs WGSL compute kernels (bandwidth, matmul, 4-bit mat-vec) on a GPU device of its own,
   * checks each against a CPU reference, times it, and destroys the device. Needs no model.
   */
  probeGpu(options?: GpuProbeOptions): Promise<GpuProbeReport>;
  listModels(engine: EngineId, custom?: CustomModelSource): Promise<ModelRecord[]>;
  load(
    engine: EngineId,
    modelId: string,
    onProgress: (progress: LoadProgress) => void,
    options?: LoadOptions,
  ): Promise<LoadReport>;
  cancelLoad(): Promise<void>;
  generate(request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats>;
  /** The prompt `messages` make for the loaded model, as {@link generate} would read it, without generating. */
  countPromptTokens(messages: ChatMessage[]): Promise<PromptTokenCount>;
  /** Stops the reply in flight through the engine's own interrupt; the model stays loaded. */
  interrupt(): Promise<void>;
  unload(): Promise<void>;
  memory(): Promise<MemorySnapshot>;
  /** Token ids of the last reply, for correctness checks across devices and engines. */
  lastOutputTokenIds(): Promise<number[] | undefined>;
  /**
   * Teacher forcing on the loaded model: its next-token choice and log-probabilities at every
   * position of a fixed sequence. Rejects with a `ForcedChoicesUnsupportedError` when the engine
   * cannot do it.
   */
  forcedChoices(input: ForcedInput): Promise<ForcedChoices>;
  /** Every model whose files are in the browser's storage, for every engine. */
  cachedModels(): Promise<CachedModel[]>;
  /** Deletes every stored file of one model (by {@link CachedModel.key}) through its engine. */
  deleteCachedModel(engine: EngineId, key: string): Promise<void>;
  /**
   * Calls `onLost` as soon as a GPU device the engines hold is lost (its `lost` promise), so
   * the page need not wait for the next memory poll.
   */
  watchDeviceLoss(onLost: (loss: DeviceLoss) => void): Promise<void>;
  /**
   * For testing recovery paths only, like `WEBGL_lose_context.loseContext()`: destroys every
   * GPU device the worker's engines hold and reports each as lost. Nothing in the app calls it.
   * Resolves with the number of devices destroyed.
   */
  loseDevice(): Promise<number>;
}
