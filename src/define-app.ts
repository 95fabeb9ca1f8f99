/**
 * Registers `<edge-llm-app>` and the elements only the app uses (device panel, model picker,
 * storage card, model sources), after the chat's. The app page's entry imports it; a host page
 * gets it through the library's `loadApp()`.
 */
import './define.js';
import { EdgeLlmApp } from './app/app.js';
import { EdgeLlmCacheManager } from './components/cache-manager.js';
import { EdgeLlmDevicePanel } from './components/device-panel.js';
import { EdgeLlmModelPicker } from './components/model-picker.js';
import { EdgeLlmModelSources } from './components/model-sources.js';
import { registerElements } from './register.js';

registerElements([
  ['edge-llm-device-panel', EdgeLlmDevicePanel],
  ['edge-llm-model-picker', EdgeLlmModelPicker],
  ['edge-llm-cache-manager', EdgeLlmCacheManager],
  ['edge-llm-model-sources', EdgeLlmModelSources],
  ['edge-llm-app', EdgeLlmApp],
]);

export { EdgeLlmApp };

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-app': EdgeLlmApp;
    'edge-llm-cache-manager': EdgeLlmCacheManager;
    'edge-llm-device-panel': EdgeLlmDevicePanel;
    'edge-llm-model-picker': EdgeLlmModelPicker;
    'edge-llm-model-sources': EdgeLlmModelSources;
  }
}
