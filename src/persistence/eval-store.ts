/**
 * What the evaluation view keeps on this device, in IndexedDB (through idb-keyval): the user's
 * own suites, and each device's results under its fingerprint. Nothing here leaves the device.
 * Reads go through the readers in src/core/eval/saved.ts, so a damaged record never throws.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { EvalResult } from '../core/eval-schema.js';
import { readSavedResults, readSavedSuites, type SavedSuite } from '../core/eval/saved.js';

/** The database and object store (apart from the conversations': idb-keyval opens one store per database). */
export const EVAL_DB = 'edge-llm-eval';
export const EVAL_STORE = 'records';
/** The key of the user's suites. */
export const SUITES_KEY = 'suites';

let store: UseStore | undefined;

function records(): UseStore {
  store ??= createStore(EVAL_DB, EVAL_STORE);
  return store;
}

/** The key of one device's results. */
export function resultsKey(deviceKey: string): string {
  return `results:${deviceKey}`;
}

export async function loadSuites(): Promise<SavedSuite[]> {
  return readSavedSuites(await get(SUITES_KEY, records()));
}

export function saveSuites(suites: readonly SavedSuite[]): Promise<void> {
  return set(SUITES_KEY, suites, records());
}

export async function loadResults(deviceKey: string): Promise<EvalResult[]> {
  return readSavedResults(await get(resultsKey(deviceKey), records()));
}

export function saveResults(deviceKey: string, results: readonly EvalResult[]): Promise<void> {
  // A JSON round trip stores plain data only, the shape the reader checks.
  return set(resultsKey(deviceKey), JSON.parse(JSON.stringify(results)) as unknown, records());
}

export function clearResults(deviceKey: string): Promise<void> {
  return del(resultsKey(deviceKey), records());
}
