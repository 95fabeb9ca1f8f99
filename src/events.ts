/**
 * The events edge-llm elements fire. Each is its own class, bubbles and is composed, so a host
 * page can listen on the element or anywhere above it, across shadow roots.
 */
import type { BenchResult } from './core/bench-schema.js';
import type { ComputePath } from './core/compute-path.js';
import type { ModelSourcesSetting } from './core/custom-models.js';
import type { RecoveryAction } from './core/error-messages.js';
import type { ErrorCode } from './core/errors.js';
import type { EvalResult } from './core/eval-schema.js';
import type { EvalSessionProgress } from './measure/eval-session.js';
import type { BenchProgress } from './measure/model-benchmark.js';
import type {
  CachedModel,
  ComputeDevice,
  EngineId,
  GenerationStats,
  LoadProgress,
  LoadReport,
} from './shared/engine-api.js';

const init = { bubbles: true, composed: true } as const;

/** Loading progress: phase, fraction, bytes and elapsed time. */
export class EdgeLlmProgressEvent extends Event {
  constructor(readonly detail: LoadProgress) {
    super('edge-llm-progress', init);
  }
}

/** The model is loaded and ready to chat. */
export class EdgeLlmReadyEvent extends Event {
  constructor(readonly detail: LoadReport) {
    super('edge-llm-ready', init);
  }
}

export interface TokenDetail {
  /** Text decoded since the previous event. */
  text: string;
  /** Output tokens so far in this reply. */
  totalTokens: number;
}

/** New output text (tokens are coalesced; several may arrive in one event). */
export class EdgeLlmTokenEvent extends Event {
  constructor(readonly detail: TokenDetail) {
    super('edge-llm-token', init);
  }
}

/** A reply finished (completed, hit max tokens, or was stopped). */
export class EdgeLlmDoneEvent extends Event {
  constructor(readonly detail: GenerationStats & { text: string }) {
    super('edge-llm-done', init);
  }
}

export interface ErrorDetail {
  /** Stable code, e.g. "no-webgpu", "model-lib-missing". */
  code: ErrorCode;
  title: string;
  /** Human message with a way forward. */
  message: string;
  actions: RecoveryAction[];
}

/** Something failed; the element stays usable. */
export class EdgeLlmErrorEvent extends Event {
  constructor(readonly detail: ErrorDetail) {
    super('edge-llm-error', init);
  }
}

/** A visitor chose a recovery the element cannot perform itself (e.g. pick another model). */
export class EdgeLlmRecoverEvent extends Event {
  constructor(readonly detail: { action: RecoveryAction; code: ErrorCode }) {
    super('edge-llm-recover', init);
  }
}

/**
 * A model was chosen: in the picker (which variant, its engine, and the device it runs on there,
 * as the picker judges it for the path the visitor chose), or by opening a saved conversation in
 * the chat (which then names its engine too, so the page can follow).
 */
export class EdgeLlmModelSelectEvent extends Event {
  constructor(readonly detail: { modelId: string; engine?: EngineId; device?: ComputeDevice }) {
    super('edge-llm-model-select', init);
  }
}

/** The visitor chose where models run: on the GPU (WebGPU) or on the CPU (WebAssembly). */
export class EdgeLlmPathChangeEvent extends Event {
  constructor(readonly detail: { path: ComputePath }) {
    super('edge-llm-path-change', init);
  }
}

/** A chat let go of its model (Unload): the page's view of it should say so. */
export class EdgeLlmUnloadEvent extends Event {
  constructor() {
    super('edge-llm-unload', init);
  }
}

/** Benchmark progress: what is running and how far the whole benchmark has come. */
export class EdgeLlmBenchProgressEvent extends Event {
  constructor(readonly detail: BenchProgress) {
    super('edge-llm-bench-progress', init);
  }
}

/** A benchmark (or a probe on its own) finished; `detail` is the result file's content. */
export class EdgeLlmBenchDoneEvent extends Event {
  constructor(readonly detail: BenchResult) {
    super('edge-llm-bench-done', init);
  }
}

/** Evaluation progress: which model, which item, how many right so far, and how far the whole run is. */
export class EdgeLlmEvalProgressEvent extends Event {
  constructor(readonly detail: EvalSessionProgress) {
    super('edge-llm-eval-progress', init);
  }
}

/** An evaluation finished, or was cancelled with items answered; `detail` is the result file's content. */
export class EdgeLlmEvalDoneEvent extends Event {
  constructor(readonly detail: EvalResult) {
    super('edge-llm-eval-done', init);
  }
}

/** The visitor pressed Cancel while a model loads; the chat that owns the load stops it. */
export class EdgeLlmCancelLoadEvent extends Event {
  constructor() {
    super('edge-llm-cancel-load', init);
  }
}

/** The model sources changed: mirror base URLs per engine, and the imported models. */
export class EdgeLlmSourcesChangeEvent extends Event {
  constructor(readonly detail: ModelSourcesSetting) {
    super('edge-llm-sources-change', init);
  }
}

/** The stored models changed (one or all were deleted); `detail.models` is what remains. */
export class EdgeLlmCacheChangeEvent extends Event {
  constructor(readonly detail: { models: CachedModel[] }) {
    super('edge-llm-cache-change', init);
  }
}

export interface CrashNoticeDetail {
  action: 'use-suggestion' | 'dismiss';
  /** The suggested model, with "use-suggestion". */
  modelId?: string;
}

/** The visitor's answer to a crash notice: try the suggested model, or put the notice away. */
export class EdgeLlmCrashNoticeEvent extends Event {
  constructor(readonly detail: CrashNoticeDetail) {
    super('edge-llm-crash-notice', init);
  }
}

/** What the transcript offers on a message: answer it again, or edit it (the last ones only). */
export type TurnAction = 'regenerate' | 'edit';

/** A person asked for an action on a message in the transcript; the chat performs it. */
export class EdgeLlmTurnActionEvent extends Event {
  constructor(readonly detail: { action: TurnAction; turnId: number }) {
    super('edge-llm-turn-action', init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'edge-llm-bench-progress': EdgeLlmBenchProgressEvent;
    'edge-llm-bench-done': EdgeLlmBenchDoneEvent;
    'edge-llm-eval-progress': EdgeLlmEvalProgressEvent;
    'edge-llm-eval-done': EdgeLlmEvalDoneEvent;
    'edge-llm-progress': EdgeLlmProgressEvent;
    'edge-llm-ready': EdgeLlmReadyEvent;
    'edge-llm-token': EdgeLlmTokenEvent;
    'edge-llm-done': EdgeLlmDoneEvent;
    'edge-llm-error': EdgeLlmErrorEvent;
    'edge-llm-recover': EdgeLlmRecoverEvent;
    'edge-llm-model-select': EdgeLlmModelSelectEvent;
    'edge-llm-path-change': EdgeLlmPathChangeEvent;
    'edge-llm-unload': EdgeLlmUnloadEvent;
    'edge-llm-cancel-load': EdgeLlmCancelLoadEvent;
    'edge-llm-sources-change': EdgeLlmSourcesChangeEvent;
    'edge-llm-cache-change': EdgeLlmCacheChangeEvent;
    'edge-llm-crash-notice': EdgeLlmCrashNoticeEvent;
    'edge-llm-turn-action': EdgeLlmTurnActionEvent;
  }
}
