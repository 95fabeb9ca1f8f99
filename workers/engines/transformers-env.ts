/**
 * How the transformers.js adapter sets up the library before each load: ONNX Runtime's files
 * served by the app, the host a model's files come from, and the network and cache layers that
 * make each file cross the network once (workers/storage/model-fetch.ts, model-store.ts).
 */
import type * as Transformers from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { transformersRemote } from '../../src/core/mirror-urls.js';
import type { ModelFetch } from '../storage/model-fetch.js';
import type { ModelStore } from '../storage/model-store.js';

export function configureTransformers(
  env: typeof Transformers.env,
  folderUrl: string | undefined,
  mirror: string | undefined,
  network: { fetcher: ModelFetch; store: ModelStore },
): void {
  // transformers.js would hand ONNX Runtime its loader as a blob: URL, which a host page's
  // script-src rarely allows; the loader is served beside the worker anyway.
  env.useWasmCache = false;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; proxy?: boolean } };
  // Absolute URLs beside the worker script, so ONNX Runtime never falls back to its CDN default.
  const base = globalThis.location?.href ?? import.meta.url;
  if (onnx.wasm) onnx.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, base).href, wasm: new URL(ortWasmUrl, base).href };
  env.fetch = network.fetcher.fetch;
  env.useCustomCache = true;
  env.customCache = network.store;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  if (folderUrl) {
    // A self-hosted folder is read as a "hub" whose host is the folder's parent: transformers.js
    // then fetches (and caches) its files like any remote model. Its local-model mode cannot
    // take an http(s) base: it skips tokenizer_config.json there and the tokenizer fails.
    env.remoteHost = new URL('..', folderUrl).href;
    env.remotePathTemplate = '{model}/';
  } else {
    Object.assign(env, transformersRemote(mirror));
  }
}
