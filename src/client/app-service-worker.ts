/**
 * What the page knows of the app's service worker: whether a new version replaced the one this
 * page started with, and which engines it has stored for offline use. The app page registers it
 * (src/app/offline.ts); an embedding page has none, and every answer here says so.
 */
import { OFFLINE_ENGINES_MESSAGE } from '../core/app-assets.js';
import { isEngineId } from '../core/engines.js';
import type { EngineId } from '../shared/engine-api.js';

let updated = false;
const listeners = new Set<() => void>();

/** Called when a new version of the service worker takes over from the one this page started with. */
export function markAppUpdated(): void {
  updated = true;
  for (const listener of listeners) listener();
}

/** True once a new version of the app has taken over this page's service worker. */
export function appUpdated(): boolean {
  return updated;
}

/** Calls `listener` when the app updates; returns a function that stops listening. */
export function onAppUpdated(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Engines whose runtime the service worker has stored, so they start with no network; undefined
 * when no service worker controls the page (an embedding page, a private mode without one).
 */
export async function offlineEngines(timeoutMs = 2000): Promise<EngineId[] | undefined> {
  const controller = globalThis.navigator?.serviceWorker?.controller;
  if (!controller) return undefined;
  const channel = new MessageChannel();
  const answer = new Promise<EngineId[] | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    channel.port1.onmessage = (event: MessageEvent<{ engines?: unknown }>) => {
      clearTimeout(timer);
      const engines = event.data?.engines;
      resolve(Array.isArray(engines) ? engines.filter(isEngineId) : undefined);
    };
  });
  controller.postMessage({ type: OFFLINE_ENGINES_MESSAGE }, [channel.port2]);
  try {
    return await answer;
  } finally {
    channel.port1.close();
  }
}
