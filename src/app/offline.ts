/**
 * The app page's service worker (built by vite-plugin-pwa from vite.config.ts), which stores the
 * app shell and every engine asset so the app starts with no network after one visit.
 *
 * Only the app page registers it: the embeddable library never does, since a host site owns
 * its own service worker and scope.
 */
export async function registerAppServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  // The dev server serves sources, not the built worker; and some browsers (private modes) have none.
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return undefined;
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
