/**
 * Where crash markers are kept (see run-intent.ts), and a cheap look for any, small enough for
 * the page's first chunk: the code that reads markers loads only when there are some.
 */
export const RUN_INTENTS_KEY = 'edge-llm:run-intents';

/** True when any marker is stored (synchronous; most visits have none to look into). */
export function hasIntents(): boolean {
  try {
    return Boolean(globalThis.localStorage?.getItem(RUN_INTENTS_KEY));
  } catch {
    return false;
  }
}
