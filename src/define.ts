/**
 * Registers every edge-llm element. Guarded: a second copy of the library on the same page
 * warns instead of throwing, and the first registration wins.
 */
import { EdgeLlmApp } from './app/app.js';
import { EdgeLlmChat } from './components/chat.js';
import { EdgeLlmDevicePanel } from './components/device-panel.js';
import { EdgeLlmErrorPanel } from './components/error-panel.js';
import { EdgeLlmLoadProgress } from './components/load-progress.js';
import { EdgeLlmModelPicker } from './components/model-picker.js';
import { EdgeLlmModelSources } from './components/model-sources.js';
import { EdgeLlmStats } from './components/stats-panel.js';
import { EdgeLlmTranscript } from './components/transcript.js';

const elements: [string, CustomElementConstructor][] = [
  ['edge-llm-transcript', EdgeLlmTranscript],
  ['edge-llm-stats', EdgeLlmStats],
  ['edge-llm-load-progress', EdgeLlmLoadProgress],
  ['edge-llm-error-panel', EdgeLlmErrorPanel],
  ['edge-llm-device-panel', EdgeLlmDevicePanel],
  ['edge-llm-model-picker', EdgeLlmModelPicker],
  ['edge-llm-model-sources', EdgeLlmModelSources],
  ['edge-llm-chat', EdgeLlmChat],
  ['edge-llm-app', EdgeLlmApp],
];

for (const [name, constructor] of elements) {
  if (customElements.get(name)) {
    if (customElements.get(name) !== constructor)
      console.warn(`[edge-llm] <${name}> is already defined; keeping the first definition.`);
    continue;
  }
  customElements.define(name, constructor);
}

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-app': EdgeLlmApp;
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
