/**
 * Which engine and model the app starts with on a return visit. Pure; apart from the saved
 * conversation's reader so the app's first chunk stays small.
 */
import type { EngineId } from '../shared/engine-api.js';
import type { SavedSettings } from './saved-conversation.js';

/**
 * The engine and model a page should start with, given what was saved. An engine named in the
 * URL wins; the engine test double is never restored on its own (visitors are never offered
 * it); a saved model applies only to the engine it was saved with.
 */
export function restoredSelection(
  saved: Partial<SavedSettings> | undefined,
  current: EngineId,
  engineFromUrl: boolean,
): { engine: EngineId; model: string | undefined } {
  const engine = !engineFromUrl && saved?.engine && saved.engine !== 'double' ? saved.engine : current;
  return { engine, model: saved?.engine === engine ? saved.model : undefined };
}
