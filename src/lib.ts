/**
 * edge-llm as a library. Importing this module registers the elements (guarded: a second copy
 * on the page warns and keeps the first). The engine worker and engines load lazily, from next
 * to this module unless the host page says otherwise before the first element starts.
 *
 * @example
 * <script type="module" src="https://cdn.example/edge-llm/edge-llm.js"></script>
 * <edge-llm-chat engine="transformers" model="https://models.example/SmolLM2-135M-Instruct@q4"></edge-llm-chat>
 */
import './define.js';

export { EdgeLlmChat } from './components/chat/chat.js';
export {
  EdgeLlmDoneEvent,
  EdgeLlmErrorEvent,
  EdgeLlmProgressEvent,
  EdgeLlmReadyEvent,
  EdgeLlmRecoverEvent,
  EdgeLlmTokenEvent,
  EdgeLlmModelSelectEvent,
  EdgeLlmUnloadEvent,
} from './events.js';
export { probeGpu, setEngineWorkerFactory } from './client/shared-client.js';
export { leaseModel } from './client/model-lease.js';
export type { EngineLease } from './client/engine-pool.js';
export type { ModelKey } from './core/model-key.js';
export type { GenerateRequest, GenerationStats, TokenBatch, LoadReport } from './shared/engine-api.js';
export { EdgeLlmBenchDoneEvent, EdgeLlmBenchProgressEvent } from './events.js';
export type { BenchResult } from './core/bench-schema.js';
export { EdgeLlmEvalDoneEvent, EdgeLlmEvalProgressEvent } from './events.js';
export type { EvalResult } from './core/eval-schema.js';

/**
 * Registers `<edge-llm-bench>` (the device benchmark), loading its code on first call, so
 * pages that only chat never download it. Resolves once the element is defined.
 */
export async function loadBench(): Promise<void> {
  await import('./define-bench.js');
}

/**
 * Registers `<edge-llm-eval>` (models evaluated on a task: accuracy beside speed and memory),
 * loading its code on first call, so pages that only chat never download it. Resolves once the
 * element is defined.
 */
export async function loadEval(): Promise<void> {
  await import('./define-eval.js');
}

/**
 * Registers `<edge-llm-app>` (the whole app: device, model picker, storage, chat,
 * benchmark and evaluation), loading its code on first call. Resolves once the element is defined.
 */
export async function loadApp(): Promise<void> {
  await import('./define-app.js');
}
