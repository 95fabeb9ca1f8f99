/**
 * The one interface every engine implements inside the worker. Small on purpose: a second
 * engine fits behind it without the UI or the host changing.
 */
import type {
  ComputeReport,
  CustomModelSource,
  EngineId,
  FinishReason,
  ForcedChoices,
  ForcedInput,
  GenerateRequest,
  LoadOptions,
  LoadPhase,
  ModelRecord,
  TimingFigures,
} from '../../src/shared/engine-api.js';
import type { StoredFile } from '../../src/core/storage.js';

export interface EngineProgress {
  phase: Exclude<LoadPhase, 'done'>;
  /** 0..1 within the phase; undefined when the engine cannot tell. */
  fraction: number | undefined;
  loadedBytes?: number;
  totalBytes?: number;
  detail: string;
}

export interface EngineLoadResult {
  fromCache: boolean;
  downloadedBytes: number | undefined;
  weightBytes: number | undefined;
  contextWindow: number | undefined;
  kvBytesPerToken?: number;
  /** Where the model really computes, when the engine can tell. */
  compute?: ComputeReport;
}

/** What an engine says about the memory of its loaded model, beyond the GPU tracker's view. */
export interface EngineMemory {
  /** Why the tracker cannot see this engine's GPU memory, when it cannot. */
  gpuNotMeasured?: string;
  /** Bytes the model takes in the engine's WebAssembly heap (the CPU path). */
  ramBytes?: number;
}

export interface EngineGenerateResult {
  promptTokens: number;
  outputTokens: number;
  finishReason: FinishReason;
  /** The engine's own timing figures, when it reports them. */
  figures: TimingFigures | undefined;
}

export interface Engine {
  readonly id: EngineId;
  /**
   * True when `load` honours `weights: "synthetic"` (random weights of the real shapes from the
   * model's header alone, never stored); the host refuses such a load for any other engine.
   */
  readonly syntheticWeights?: boolean;
  listModels(custom?: CustomModelSource): Promise<ModelRecord[]>;
  /** Loads one model, replacing any loaded one. Rejects with an AbortError when `signal` aborts. */
  load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
    options?: LoadOptions,
  ): Promise<EngineLoadResult>;
  /**
   * Streams a reply. `onDelta` is called once per decoded token (or small group of tokens) and
   * must not block: the engine never waits on the page.
   */
  generate(request: GenerateRequest, onDelta: (text: string, tokens: number) => void): Promise<EngineGenerateResult>;
  /** Makes extra catalog entries loadable (the ones a page lists may not be listed here). */
  register?(custom: CustomModelSource): void;
  /** Asks the reply in flight to stop after the current token; the model stays loaded. */
  interrupt(): void;
  unload(): Promise<void>;
  /** Token ids of the last reply, where the engine exposes them (for correctness checks). */
  outputTokenIds?(): number[] | undefined;
  /**
   * Teacher forcing for the correctness check (DESIGN.md, "Agreement"): reads the sequence in one
   * forward pass (or prefill) with no sampling and returns, at every position, the argmax of the
   * logits and log-softmax values (see {@link ForcedChoices}). `text` is tokenized as plain text
   * (the tokenizer's own special tokens, such as a BOS, are kept; no chat template) and cut to
   * `maxTokens`; `tokenIds` are read as given. An engine without it cannot be checked; a CPU
   * reference is the same engine loaded with `device: 'wasm'` (llama.cpp: no GPU layers).
   */
  forcedChoices?(input: ForcedInput): Promise<ForcedChoices>;
  /** Every file the engine has stored, one entry per model folder (see src/core/storage.ts). */
  storedFiles?(): Promise<StoredFile[]>;
  /** Deletes every stored file of the model folder `key`, through the engine's own API where it has one. */
  deleteStored?(key: string): Promise<void>;
  /** The folder key a catalog id's files are stored under, so its last use can be recorded. */
  storageKeyOf?(modelId: string): string | undefined;
  /** Memory the tracker cannot see, for the loaded model. */
  memoryReport?(): EngineMemory;
}
