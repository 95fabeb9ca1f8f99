/**
 * Registers `<edge-llm-chat>` and the elements it is built from (guarded, see register.ts): what
 * the embeddable library loads. The app's own elements are registered by define-app.ts, the
 * benchmark's by define-bench.ts, each loaded only where it is used.
 */
import { EdgeLlmChat } from './components/chat/chat.js';
import { EdgeLlmErrorPanel } from './components/error-panel.js';
import { EdgeLlmLoadProgress } from './components/load-progress.js';
import { EdgeLlmStats } from './components/stats-panel.js';
import { EdgeLlmTranscript } from './components/transcript.js';
import { registerElements } from './register.js';

registerElements([
  ['edge-llm-transcript', EdgeLlmTranscript],
  ['edge-llm-stats', EdgeLlmStats],
  ['edge-llm-load-progress', EdgeLlmLoadProgress],
  ['edge-llm-error-panel', EdgeLlmErrorPanel],
  ['edge-llm-chat', EdgeLlmChat],
]);

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-chat': EdgeLlmChat;
    'edge-llm-error-panel': EdgeLlmErrorPanel;
    'edge-llm-load-progress': EdgeLlmLoadProgress;
    'edge-llm-stats': EdgeLlmStats;
    'edge-llm-transcript': EdgeLlmTranscript;
  }
}
