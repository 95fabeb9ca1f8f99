/**
 * The app page's entry. `?engine=double` selects the engine test double (tests and
 * `npm run bench:ui`); visitors get web-llm. `?view=bench` opens the benchmark, `?view=eval` the
 * evaluation, and a share link's `#r=…` fragment opens the benchmark with the shared result.
 */
import './define-app.js';
import { registerAppServiceWorker } from './app/offline.js';

const app = document.querySelector('edge-llm-app');
const params = new URLSearchParams(location.search);
const engine = params.get('engine');
if (app && (engine === 'double' || engine === 'webllm' || engine === 'transformers' || engine === 'llamacpp'))
  app.engine = engine;
if (app && location.hash.startsWith('#r=')) {
  app.view = 'bench';
  app.sharedFragment = location.hash;
} else if (app) {
  const view = params.get('view');
  if (view === 'bench' || view === 'eval') app.view = view;
}
void registerAppServiceWorker();
