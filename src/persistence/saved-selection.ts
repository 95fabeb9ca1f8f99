/**
 * The engine and model a persisting chat was saved with, for a page that starts from them (the
 * app). The IndexedDB code loads only here, and a slow database never holds the page up.
 */
import type { SavedSettings } from '../core/saved-conversation.js';

/** The settings saved under `key`, or undefined when there are none or they take longer than `waitMs`. */
export async function loadSavedSettings(key: string, waitMs: number): Promise<Partial<SavedSettings> | undefined> {
  const saved = await Promise.race([
    import('./conversation-store.js').then(({ loadConversation }) => loadConversation(key)).catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, waitMs)),
  ]);
  return saved?.settings;
}
