import { markAppUpdated } from '../client/app-service-worker.js';

/**
 * The app page's service worker (workers/sw.ts, built by vite-plugin-pwa), which stores the app
 * shell so the app starts with no network after one visit, and each engine's runtime on its first
 * use. A new version takes over at once; the page hears of it (see app-service-worker.ts).
 *
 * Only the app page registers it: the embeddable library never does, since a host site owns
 * its own service worker and scope.
 */
export async function registerAppServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  // The dev server serves sources, not the built worker; and some browsers (private modes) have none.
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return undefined;
  // A controller that replaces another is a new version; the first install also takes control
  // of the page (clients.claim), and that is no update.
  let controlled = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) markAppUpdated();
    controlled = true;
  });
  try {
    return await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, {
      scope: import.meta.env.BASE_URL,
    });
  } catch (error) {
    // The app still works online without it; say why offline use will not.
    console.warn('[edge-llm] the service worker could not be registered, so the app will not start offline:', error);
    return undefined;
  }
}
