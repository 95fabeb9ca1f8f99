/**
 * The app page's service worker (built by vite-plugin-pwa's injectManifest from vite.config.ts).
 * It stores the app shell when it installs, so the app starts with no network after one visit,
 * and each engine's runtime (web-llm's 6 MB, ONNX Runtime's 27 MB WebAssembly, llama.cpp's 10 MB
 * WebAssembly) when the engine is first used, and the larger views (benchmark, evaluation, the
 * Markdown renderer) when first opened, so a first visit stays light. Runtime files have content-hashed names: a new
 * version lists new names, and activating it deletes the runtimes the old version stored.
 * Models are stored by the engines, not here.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import {
  ENGINE_RUNTIME_CACHE,
  OFFLINE_ENGINES_MESSAGE,
  offlineEngines,
  planAssets,
  staleRuntimeFiles,
  VIEW_CACHE,
  type AssetPlan,
} from '../src/core/app-assets.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

const manifest = self.__WB_MANIFEST.map((entry) =>
  typeof entry === 'string' ? { url: entry, revision: null } : entry,
);
const absolute = (url: string) => new URL(url, self.location.href).href;
const plan = planAssets(manifest.map((entry) => absolute(entry.url)));
const shell = new Set(plan.shell);
const runtimeFiles = new Set([...plan.runtimes.values()].flat());
const viewFiles = new Set(plan.views);

void self.skipWaiting();
clientsClaim();
precacheAndRoute(manifest.filter((entry) => shell.has(absolute(entry.url))));
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/embed\.html/, /^\/eval\.html/] }),
);
// Content-hashed, so a stored runtime file is never stale: served from storage, fetched once.
registerRoute(({ url }) => runtimeFiles.has(url.href), new CacheFirst({ cacheName: ENGINE_RUNTIME_CACHE }));
registerRoute(({ url }) => viewFiles.has(url.href), new CacheFirst({ cacheName: VIEW_CACHE }));

async function storedFiles(cacheName: string): Promise<string[]> {
  if (!(await caches.has(cacheName))) return [];
  return (await (await caches.open(cacheName)).keys()).map((request) => request.url);
}
const storedRuntimeFiles = () => storedFiles(ENGINE_RUNTIME_CACHE);

/** Deletes what an older version stored in `cacheName` that this version does not list. */
async function dropStale(cacheName: string, current: AssetPlan['runtimes'] | string[]): Promise<void> {
  const stale = staleRuntimeFiles(current, await storedFiles(cacheName));
  if (stale.length === 0) return;
  const cache = await caches.open(cacheName);
  await Promise.all(stale.map((url) => cache.delete(url)));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([dropStale(ENGINE_RUNTIME_CACHE, plan.runtimes), dropStale(VIEW_CACHE, plan.views)]));
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type !== OFFLINE_ENGINES_MESSAGE) return;
  const [port] = event.ports;
  event.waitUntil(
    (async () => {
      const engines = offlineEngines(plan.runtimes, new Set(await storedRuntimeFiles()));
      port?.postMessage({ engines });
    })(),
  );
});
