/**
 * The one interface every engine implements inside the worker. Small on purpose: a second
 * engine fits behind it without the UI or the host changing.
 */
import type {
  ChatMessage,
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
  SerializedError,
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
  /** The browser refused to store some files; the model runs but downloads again next time. */
  notStored?: SerializedError;
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
  /**
   * Counts the tokens of the prompt `messages` make, exactly as {@link generate} would read them:
   * the model's chat template applied (system prompt included), the generation prompt (assistant
   * header) appended, then tokenized with the model's own tokenizer, special tokens included (a
   * BOS the tokenizer adds counts). It must not generate, must not touch the KV cache or any
   * conversation state the engine keeps between replies, and should be fast (it is called once or
   * a few times before every reply; the chat uses it to leave out the oldest turns when the
   * conversation would overflow the context window).
   *
   * Resolves with undefined when the engine cannot count right now; without the method, or with
   * undefined, the host uses a cautious estimate (src/core/token-estimate.ts). Rejects with a
   * `ModelNotLoadedError` when no model is loaded. A llama.cpp engine applies the GGUF's chat
   * template and counts with llama.cpp's tokenizer where its binding exposes both, and answers
   * undefined where it does not (wllama 3, see llamacpp-engine.ts).
   */
  countPromptTokens?(messages: ChatMessage[]): Promise<number | undefined>;
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
  /** Whether every file a load of the model folder `key` reads is stored (see CachedModel.complete). */
  storedComplete?(key: string): Promise<boolean>;
  /** Deletes every stored file of the model folder `key`, through the engine's own API where it has one. */
  deleteStored?(key: string): Promise<void>;
  /** The folder key a catalog id's files are stored under, so its last use can be recorded. */
  storageKeyOf?(modelId: string): string | undefined;
  /** Memory the tracker cannot see, for the loaded model. */
  memoryReport?(): EngineMemory;
}
