/**
 * The service worker's plan for the built files: the shell at install, each engine's runtime on
 * first use, nothing for the pages that are not the app; and what an update removes.
 */
import { describe, expect, it } from 'vitest';
import { offlineEngines, planAssets, runtimeEngineOf, staleRuntimeFiles } from '../../src/core/app-assets.js';
import { runtimeChunkName } from '../../scripts/runtime-chunks.mjs';

const BASE = 'https://app.example/';
const BUILD = [
  'index.html',
  'embed.html',
  'eval.html',
  'favicon.svg',
  'assets/main-BMEbvJ3M.js',
  'assets/engine.worker-DIQXQl2F.js',
  'assets/webllm-engine-C57ZpcBg.js',
  'assets/_virtual_webllm-catalog-BhArB9qS.js',
  'assets/eval-BwGTIosL.js',
  'assets/webllm-runtime-DBWAiD2g.js',
  'assets/transformers-engine-DRye-90U.js',
  'assets/transformers-runtime-BhlcX7bn.js',
  'assets/ort-wasm-simd-threaded.asyncify-DXIbolS2.mjs',
  'assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm',
  'assets/llamacpp-engine-DrdoFC3J.js',
  'assets/llamacpp-runtime-CFjBkXym.js',
  'assets/wllama-CO25czjY.wasm',
  'assets/define-bench-aZFltkFI.js',
  'assets/define-eval-Cqrn30so.js',
  'assets/markdown-view-ChxA5XTg.js',
  'assets/fingerprint-D4OuyKnZ.js',
  'assets/define-conversations-Ddd9qxAw.js',
  'assets/bench-export-AbC12345.js',
].map((path) => BASE + path);

describe('planAssets', () => {
  const plan = planAssets(BUILD);

  it("keeps each engine's runtime out of the shell", () => {
    expect(plan.runtimes.get('webllm')).toEqual([`${BASE}assets/webllm-runtime-DBWAiD2g.js`]);
    expect(plan.runtimes.get('transformers')).toEqual([
      `${BASE}assets/transformers-runtime-BhlcX7bn.js`,
      `${BASE}assets/ort-wasm-simd-threaded.asyncify-DXIbolS2.mjs`,
      `${BASE}assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm`,
    ]);
    expect(plan.runtimes.get('llamacpp')).toEqual([
      `${BASE}assets/llamacpp-runtime-CFjBkXym.js`,
      `${BASE}assets/wllama-CO25czjY.wasm`,
    ]);
  });

  it('stores the app and its small engine adapters at install, and not the pages beside the app', () => {
    expect(plan.shell.map((url) => url.slice(BASE.length))).toEqual([
      'index.html',
      'favicon.svg',
      'assets/main-BMEbvJ3M.js',
      'assets/engine.worker-DIQXQl2F.js',
      'assets/webllm-engine-C57ZpcBg.js',
      'assets/_virtual_webllm-catalog-BhArB9qS.js',
      'assets/transformers-engine-DRye-90U.js',
      'assets/llamacpp-engine-DrdoFC3J.js',
      'assets/bench-export-AbC12345.js',
    ]);
  });

  it('stores the larger views when first opened, and what they import besides at install', () => {
    expect(plan.views.map((url) => url.slice(BASE.length))).toEqual([
      'assets/define-bench-aZFltkFI.js',
      'assets/define-eval-Cqrn30so.js',
      'assets/markdown-view-ChxA5XTg.js',
      'assets/fingerprint-D4OuyKnZ.js',
      'assets/define-conversations-Ddd9qxAw.js',
    ]);
    expect(staleRuntimeFiles(plan.views, [`${BASE}assets/define-bench-OLD00000.js`, plan.views[0]!])).toEqual([
      `${BASE}assets/define-bench-OLD00000.js`,
    ]);
  });

  it('reads the engine of a runtime file with or without a query', () => {
    expect(runtimeEngineOf(`${BASE}assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm?v=1`)).toBe('transformers');
    expect(runtimeEngineOf(`${BASE}assets/wllama-CO25czjY.wasm?v=1`)).toBe('llamacpp');
    expect(runtimeEngineOf(`${BASE}assets/webllm-engine-C57ZpcBg.js`)).toBeUndefined();
  });
});

describe('offlineEngines and staleRuntimeFiles', () => {
  const { runtimes } = planAssets(BUILD);
  const transformers = runtimes.get('transformers')!;

  it('counts an engine offline only when every runtime file of this version is stored', () => {
    expect(offlineEngines(runtimes, new Set(transformers))).toEqual(['transformers']);
    expect(offlineEngines(runtimes, new Set(transformers.slice(1)))).toEqual([]);
    expect(offlineEngines(runtimes, new Set([...transformers, ...runtimes.get('webllm')!]))).toEqual([
      'webllm',
      'transformers',
    ]);
  });

  it('finds the stored runtime files an update no longer lists', () => {
    const old = `${BASE}assets/ort-wasm-simd-threaded.asyncify-0ldHash1.wasm`;
    expect(staleRuntimeFiles(runtimes, [old, ...transformers])).toEqual([old]);
    expect(staleRuntimeFiles(runtimes, transformers)).toEqual([]);
  });
});

describe('runtimeChunkName (the build names the chunks the plan reads)', () => {
  it('names the chunks that hold web-llm, transformers.js or wllama, and no other', () => {
    expect(runtimeChunkName(['/repo/node_modules/@mlc-ai/web-llm/lib/index.js'])).toBe('webllm-runtime');
    expect(runtimeChunkName(['/repo/src/x.ts', '/repo/node_modules/@huggingface/transformers/dist/t.js'])).toBe(
      'transformers-runtime',
    );
    expect(runtimeChunkName(['/repo/node_modules/@wllama/wllama/esm/index.js'])).toBe('llamacpp-runtime');
    expect(runtimeChunkName(['/repo/workers/engines/webllm-engine.ts'])).toBeUndefined();
  });

  it("keeps an engine's adapter in the shell when it only imports the runtime's WebAssembly URL", () => {
    const adapter = [
      '/repo/node_modules/@wllama/wllama/esm/wasm/wllama.wasm?url',
      '/repo/workers/engines/llamacpp-engine.ts',
    ];
    expect(runtimeChunkName(adapter)).toBeUndefined();
    expect(runtimeEngineOf(`${BASE}assets/${runtimeChunkName(['/n/node_modules/@mlc-ai/web-llm/x.js'])}-a1.js`)).toBe(
      'webllm',
    );
  });
});
