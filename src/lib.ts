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

export { EdgeLlmChat } from './components/chat.js';
export { EdgeLlmApp } from './app/app.js';
export {
  EdgeLlmDoneEvent,
  EdgeLlmErrorEvent,
  EdgeLlmProgressEvent,
  EdgeLlmReadyEvent,
  EdgeLlmRecoverEvent,
  EdgeLlmTokenEvent,
  EdgeLlmModelSelectEvent,
} from './events.js';
export { probeGpu, setEngineWorkerFactory } from './client/shared-client.js';
export type * from './shared/engine-api.js';
