/**
 * The app page's entry. `?engine=double` selects the engine test double (tests and
 * `npm run bench:ui`); visitors get web-llm.
 */
import './define.js';
import { registerAppServiceWorker } from './app/offline.js';

const app = document.querySelector('edge-llm-app');
const engine = new URLSearchParams(location.search).get('engine');
if (app && (engine === 'double' || engine === 'webllm' || engine === 'transformers')) app.engine = engine;
void registerAppServiceWorker();
