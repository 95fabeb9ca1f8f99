/**
 * Registers the edge-llm elements (guarded, see register.ts). The benchmark's elements are
 * registered by define-bench.ts, loaded when the Bench view first opens.
 */
import { EdgeLlmApp } from './app/app.js';
import { EdgeLlmCacheManager } from './components/cache-manager.js';
import { EdgeLlmChat } from './components/chat.js';
import { EdgeLlmDevicePanel } from './components/device-panel.js';
import { EdgeLlmErrorPanel } from './components/error-panel.js';
import { EdgeLlmLoadProgress } from './components/load-progress.js';
import { EdgeLlmModelPicker } from './components/model-picker.js';
import { EdgeLlmModelSources } from './components/model-sources.js';
import { EdgeLlmStats } from './components/stats-panel.js';
import { EdgeLlmTranscript } from './components/transcript.js';
import { registerElements } from './register.js';

const elements: [string, CustomElementConstructor][] = [
  ['edge-llm-transcript', EdgeLlmTranscript],
  ['edge-llm-stats', EdgeLlmStats],
  ['edge-llm-load-progress', EdgeLlmLoadProgress],
  ['edge-llm-error-panel', EdgeLlmErrorPanel],
  ['edge-llm-device-panel', EdgeLlmDevicePanel],
  ['edge-llm-model-picker', EdgeLlmModelPicker],
  ['edge-llm-cache-manager', EdgeLlmCacheManager],
  ['edge-llm-model-sources', EdgeLlmModelSources],
  ['edge-llm-chat', EdgeLlmChat],
  ['edge-llm-app', EdgeLlmApp],
];

registerElements(elements);

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-app': EdgeLlmApp;
    'edge-llm-cache-manager': EdgeLlmCacheManager;
    'edge-llm-chat': EdgeLlmChat;
    'edge-llm-device-panel': EdgeLlmDevicePanel;
    'edge-llm-error-panel': EdgeLlmErrorPanel;
    'edge-llm-load-progress': EdgeLlmLoadProgress;
    'edge-llm-model-picker': EdgeLlmModelPicker;
    'edge-llm-model-sources': EdgeLlmModelSources;
    'edge-llm-stats': EdgeLlmStats;
    'edge-llm-transcript': EdgeLlmTranscript;
  }
}
