/**
 * What the evaluation view keeps in the browser, read back safely: this device's results (keyed
 * by its fingerprint) and the user's own suites (the JSONL text, re-checked whenever it is used).
 * A record from an older version or a damaged one yields what is still valid and never throws.
 */
import type { BenchDevice } from '../bench-schema.js';
import { createEvalResult, validateEvalResult, type EvalResult } from '../eval-schema.js';
import { MAX_SUITE_CHARS } from './user-suite.js';

/** Results kept per device; the oldest go first. */
export const MAX_SAVED_RESULTS = 100;
/** User suites kept; the least recently saved go first. */
export const MAX_SAVED_SUITES = 20;

/** A user's suite as kept: its file name and text. */
export interface SavedSuite {
  name: string;
  text: string;
  /** `Date.now()` when it was saved. */
  savedAt: number;
}

/**
 * The device a result belongs to: the GPU adapter, browser brand and platform (not the browser's
 * version, so results survive an update; each result still records it). The same fingerprint
 * the result files carry (src/measure/fingerprint.ts), so an imported file is recognised as
 * this device's.
 */
export function deviceKey(device: BenchDevice): string {
  const { adapter, browser, platform } = device;
  return JSON.stringify([
    adapter.vendor,
    adapter.architecture,
    adapter.description,
    adapter.isFallbackAdapter,
    browser.brand,
    platform,
  ]);
}

/** Two results are the same when they were made at the same time on the same device, of the same suite. */
export function sameResult(a: EvalResult, b: EvalResult): boolean {
  return (
    a.createdAt === b.createdAt &&
    a.suite.fingerprint === b.suite.fingerprint &&
    deviceKey(a.device) === deviceKey(b.device)
  );
}

/** Stored results, each checked by the schema's validator; invalid ones are dropped. */
export function readSavedResults(value: unknown): EvalResult[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const read = validateEvalResult(entry);
    return read.ok ? [read.value] : [];
  });
}

/** `list` with `result` added last (replacing the same result), at most {@link MAX_SAVED_RESULTS}. */
export function withResult(list: readonly EvalResult[], result: EvalResult): EvalResult[] {
  return [...list.filter((entry) => !sameResult(entry, result)), result].slice(-MAX_SAVED_RESULTS);
}

/** Stored suites that are still well-formed (their items are checked again when used). */
export function readSavedSuites(value: unknown): SavedSuite[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const suite = entry as Partial<SavedSuite> | null;
    const valid =
      typeof suite?.name === 'string' &&
      suite.name !== '' &&
      suite.name.length <= 200 &&
      typeof suite.text === 'string' &&
      suite.text.length <= MAX_SUITE_CHARS &&
      typeof suite.savedAt === 'number' &&
      Number.isFinite(suite.savedAt);
    return valid ? [{ name: suite.name!, text: suite.text!, savedAt: suite.savedAt! }] : [];
  });
}

/** `list` with `suite` saved under its name (replacing one of that name), newest last. */
export function withSuite(list: readonly SavedSuite[], suite: SavedSuite): SavedSuite[] {
  return [...list.filter((entry) => entry.name !== suite.name), suite].slice(-MAX_SAVED_SUITES);
}

/**
 * This device's results of one suite as one file: their runs together, when they were run with
 * the same settings; else only the newest (a file has one output limit). Undefined for none.
 */
export function mergeForExport(results: readonly EvalResult[]): EvalResult | undefined {
  const newest = results.at(-1);
  if (!newest) return undefined;
  const compatible = results.filter(
    (result) =>
      result.suite.fingerprint === newest.suite.fingerprint &&
      result.settings.maxTokens === newest.settings.maxTokens &&
      deviceKey(result.device) === deviceKey(newest.device),
  );
  if (compatible.length === 1) return newest;
  return createEvalResult({
    createdAt: newest.createdAt,
    device: newest.device,
    suite: newest.suite,
    settings: newest.settings,
    runs: compatible.flatMap((result) => result.runs),
    notes: compatible.flatMap((result) => result.notes ?? []),
  });
}
