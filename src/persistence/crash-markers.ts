/**
 * Crash markers: what the page is about to do (load a model, run a benchmark), written down
 * before it starts and removed when it ends normally. A marker still there on the next visit
 * means the page never got to remove it: the tab was closed, crashed, or was killed by the
 * browser (phones do this silently under memory pressure), or the GPU process took it down.
 *
 * Markers live in localStorage rather than IndexedDB: `setItem` is synchronous, so the marker is
 * handed to the browser before the risky work starts and survives a renderer that dies the next
 * instant. An IndexedDB write would only be safe once its transaction completed, which means
 * awaiting it before every load, and a crash before the commit would lose the marker. The
 * record is a few hundred bytes, so localStorage's size limit does not matter.
 *
 * localStorage is shared by every tab of the origin, so a marker alone cannot tell a crashed
 * run from one still going in another tab. Each run also holds a Web Lock named after it: the
 * browser releases a page's locks when the page goes away, however it goes, so a marker whose
 * lock nobody holds belongs to a page that is gone.
 */
import { randomId } from '../core/random-id.js';
import type { RunIntent } from '../core/run-intent.js';

import { RUN_INTENTS_KEY } from './crash-markers-key.js';

export { RUN_INTENTS_KEY };
export const LOCK_PREFIX = 'edge-llm-run:';

export type IntentInput = Omit<RunIntent, 'id' | 'startedAt' | 'deviceMemoryGB'> &
  Partial<Pick<RunIntent, 'deviceMemoryGB'>>;

/** A run in progress; clear it when the run ends, however it ends (except a crash). */
export interface IntentHandle {
  readonly id: string;
  /** Records progress (e.g. the load's phase), so the report can say how far it got. */
  update(changes: Partial<Pick<RunIntent, 'phase'>>): void;
  clear(): void;
}

/** This page's runs in progress, by id: their lock is released when they are cleared. */
export const releases = new Map<string, () => void>();

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    // A sandboxed iframe or blocked storage throws on access: run without markers.
    return undefined;
  }
}

export function readAll(): Record<string, unknown> {
  try {
    const parsed = JSON.parse(storage()?.getItem(RUN_INTENTS_KEY) ?? '{}') as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function writeAll(intents: Record<string, unknown>): void {
  try {
    if (Object.keys(intents).length === 0) storage()?.removeItem(RUN_INTENTS_KEY);
    else storage()?.setItem(RUN_INTENTS_KEY, JSON.stringify(intents));
  } catch {
    // Storage full or blocked: losing a crash marker only loses the explanation, never the run.
  }
}

/**
 * Writes down what the page is about to do, synchronously, before it does it. Call
 * `clear()` on the handle (or {@link clearIntent}) when the run finishes or fails normally.
 */
export function recordIntent(input: IntentInput): IntentHandle {
  const id = randomId();
  const deviceMemory = (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory;
  const intent: RunIntent = {
    ...input,
    id,
    startedAt: Date.now(),
    ...((input.deviceMemoryGB ?? deviceMemory) ? { deviceMemoryGB: input.deviceMemoryGB ?? deviceMemory } : {}),
  };
  writeAll({ ...readAll(), [id]: intent });
  const locks = globalThis.navigator?.locks;
  if (locks) {
    void locks
      .request(`${LOCK_PREFIX}${id}`, () => new Promise<void>((resolve) => releases.set(id, resolve)))
      .catch(() => undefined);
  }
  return {
    id,
    update(changes) {
      const all = readAll();
      if (all[id]) writeAll({ ...all, [id]: { ...(all[id] as RunIntent), ...changes } });
    },
    clear: () => clearIntent(id),
  };
}

/** Removes a marker: its run ended normally, or the visitor dismissed the report of it. */
export function clearIntent(id: string): void {
  const all = readAll();
  if (id in all) {
    delete all[id];
    writeAll(all);
  }
  releases.get(id)?.();
  releases.delete(id);
}
