/**
 * Finding crash markers (see run-intent.ts) whose page is gone. Loaded only when markers exist.
 */
import { readRunIntent, type RunIntent } from '../core/run-intent.js';
import { LOCK_PREFIX, readAll, releases, writeAll } from './crash-markers.js';

/** Markers older than this are dropped unreported: the visitor will not remember the run. */
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * Markers of runs that never finished: their page is gone. Newest first. Markers of runs still
 * going in another tab are left out; unreadable or very old markers are removed.
 */
export async function unfinishedIntents(now = Date.now()): Promise<RunIntent[]> {
  const all = readAll();
  if (Object.keys(all).length === 0) return [];
  let live = new Set<string>();
  try {
    const snapshot = await globalThis.navigator?.locks?.query();
    live = new Set([...(snapshot?.held ?? []), ...(snapshot?.pending ?? [])].map((lock) => lock.name ?? ''));
  } catch {
    // Without Web Locks every marker counts as unfinished: a rare false report beats none.
  }
  const unfinished: RunIntent[] = [];
  let changed = false;
  for (const [id, value] of Object.entries(all)) {
    const intent = readRunIntent(value);
    if (!intent || intent.id !== id || now - intent.startedAt > FORGET_AFTER_MS) {
      delete all[id];
      changed = true;
    } else if (!live.has(`${LOCK_PREFIX}${id}`) && !releases.has(id)) {
      unfinished.push(intent);
    }
  }
  if (changed) writeAll(all);
  return unfinished.sort((a, b) => b.startedAt - a.startedAt);
}
