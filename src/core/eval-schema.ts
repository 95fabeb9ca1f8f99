/**
 * The evaluation result file, `edge-llm/eval@1`: one device, one suite, and for each model every
 * item's score and timing. In the benchmark's file family: the same device fingerprint, the
 * same field checks (bench-schema.ts) and the same rule that summaries are recomputed from the
 * per-item records on reading, so a file cannot claim figures its items lack. Strings (replies
 * included) are plain data, never evaluated or rendered as markup here.
 */
import { accuracy, type Accuracy } from './eval/accuracy.js';
import { device, type BenchDevice } from './bench-schema.js';
import { readCorrectnessRecord, wholeNumber, type CorrectnessRecord } from './correctness-record.js';
import {
  array,
  boolean,
  describe,
  fail,
  finite,
  nonNegative,
  optionalNonNegative,
  record,
  SchemaFieldError,
  string,
} from './schema-checks.js';
import type { SampleSummary } from '../shared/engine-api.js';
import { summarize } from './stats.js';
import { SUITE_LANGUAGES, suiteFingerprint, type EvalSuite, type SuiteLanguage } from './eval/item.js';

export type { CorrectnessRecord };

export const EVAL_SCHEMA = 'edge-llm/eval@1' as const;
export const EVAL_SCHEMA_MAJOR = 1;
/** Most items per model run and most runs per file. */
export const MAX_EVAL_ITEMS = 10_000;
export const MAX_EVAL_RUNS = 1_000;
/** Replies are kept up to this many characters. */
export const MAX_REPLY_CHARS = 1_000;
/** Longest text `parseEvalResult` reads (characters). */
export const MAX_EVAL_TEXT_LENGTH = 50_000_000;

export const FINISH_REASONS = ['stop', 'length', 'aborted'] as const;

/** One item's score and cost. */
export interface EvalItemResult {
  id: string;
  correct: boolean;
  /** What the match rule read from the reply (a number, a choice, the keys), when it read anything. */
  extracted?: string;
  /** Why the reply was not counted right. */
  note?: string;
  /** The reply, cut to {@link MAX_REPLY_CHARS}. */
  reply: string;
  outputTokens: number;
  finishReason: (typeof FINISH_REASONS)[number];
  /** Wall-clock time of the item on the page, request to last token. */
  ms: number;
  ttftMs: number;
  decodeTokensPerSecond: number;
  /** Absent when the engine's GPU memory is not visible to the tracker (llama.cpp). */
  peakGpuMemoryBytes?: number;
}

export interface EvalRun {
  engine: string;
  model: string;
  computeDevice?: string;
  quantization?: string;
  /** Bytes of the model's weights (what a first visit downloads). */
  modelBytes?: number;
  /** Bytes fetched from the network by this run's load (0 when the model was stored). */
  downloadedBytes?: number;
  loadMs?: number;
  /** False when the run was cancelled or failed before every item was answered. */
  complete: boolean;
  items: EvalItemResult[];
  correctness?: CorrectnessRecord;
}

export interface EvalSummary {
  accuracy: Accuracy;
  /** Mean wall-clock seconds per answered item. */
  secondsPerItem: number;
  /** Over items with at least two output tokens (one token has no decode rate). */
  decodeTokensPerSecond: SampleSummary;
  ttftMs: SampleSummary;
  /** The most GPU memory any item needed; absent when no item's was measured. */
  peakGpuMemoryBytes?: number;
  /** agreeing / positions of the correctness check, when it ran. */
  agreement?: number;
}

export interface EvalSuiteRecord {
  name: string;
  kind: 'built-in' | 'user';
  lang?: SuiteLanguage;
  seed?: number;
  /** Items in the suite (a cancelled run answers fewer). */
  items: number;
  /** suiteFingerprint() of the items: equal fingerprints, equal items. */
  fingerprint: string;
}

export interface EvalSettings {
  /** The fixed output limit per item, in tokens. */
  maxTokens: number;
  /** Always 0: greedy decoding. */
  temperature: number;
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA;
  createdAt: string;
  device: BenchDevice;
  suite: EvalSuiteRecord;
  settings: EvalSettings;
  runs: EvalRun[];
  /** One entry per run, in the same order, derived from the run's items. */
  summary: EvalSummary[];
  notes?: string[];
}

export type EvalValidationResult = { ok: true; value: EvalResult } | { ok: false; error: string };

export function summarizeEvalRun(run: EvalRun): EvalSummary {
  const items = run.items;
  const summary: EvalSummary = {
    accuracy: accuracy(items.filter((item) => item.correct).length, items.length),
    secondsPerItem:
      items.length === 0 ? Number.NaN : items.reduce((sum, item) => sum + item.ms, 0) / items.length / 1000,
    decodeTokensPerSecond: summarize(
      items.filter((item) => item.outputTokens >= 2).map((item) => item.decodeTokensPerSecond),
    ),
    ttftMs: summarize(items.filter((item) => item.outputTokens >= 1).map((item) => item.ttftMs)),
  };
  const measured = items.flatMap((item) => (item.peakGpuMemoryBytes === undefined ? [] : [item.peakGpuMemoryBytes]));
  if (measured.length > 0) summary.peakGpuMemoryBytes = Math.max(...measured);
  if (run.correctness && run.correctness.positions > 0) {
    summary.agreement = run.correctness.agreeing / run.correctness.positions;
  }
  return summary;
}

/** How a result records the suite it ran: enough to make it again, and its items' fingerprint. */
export function suiteRecord(suite: EvalSuite): EvalSuiteRecord {
  return {
    name: suite.name,
    kind: suite.kind,
    ...(suite.lang ? { lang: suite.lang } : {}),
    ...(suite.seed === undefined ? {} : { seed: suite.seed }),
    items: suite.items.length,
    fingerprint: suiteFingerprint(suite.items),
  };
}

/** A result with its summary computed from the runs. */
export function createEvalResult(
  input: Omit<EvalResult, 'schema' | 'summary' | 'createdAt'> & { createdAt?: string },
): EvalResult {
  const result: EvalResult = {
    schema: EVAL_SCHEMA,
    createdAt: input.createdAt ?? new Date().toISOString(),
    device: input.device,
    suite: input.suite,
    settings: input.settings,
    runs: input.runs,
    summary: input.runs.map(summarizeEvalRun),
  };
  if (input.notes && input.notes.length > 0) result.notes = input.notes;
  return result;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = string(value, path);
  if (!(allowed as readonly string[]).includes(text)) {
    fail(`${path} must be one of ${allowed.join(', ')} (got ${JSON.stringify(text.slice(0, 80))})`);
  }
  return text as T;
}

function checkSchema(value: unknown): void {
  if (typeof value !== 'string') {
    fail(`not an edge-llm evaluation file (schema is ${value === undefined ? 'missing' : describe(value)})`);
  }
  const shown = JSON.stringify(value.slice(0, 80));
  const match = /^edge-llm\/eval@(\d+)(?:\.\d+)*$/.exec(value);
  if (!match) fail(`not an edge-llm evaluation file (schema ${shown}, expected "${EVAL_SCHEMA}")`);
  const major = Number(match[1]);
  if (major > EVAL_SCHEMA_MAJOR) {
    fail(`made by a newer edge-llm (schema ${shown}); this version reads "${EVAL_SCHEMA}": update edge-llm`);
  }
  if (major < EVAL_SCHEMA_MAJOR) fail(`unsupported old evaluation file (schema ${shown}, expected "${EVAL_SCHEMA}")`);
}

function itemResult(value: unknown, path: string): EvalItemResult {
  const r = record(value, path);
  const reply = string(r.reply, `${path}.reply`);
  if (reply.length > MAX_REPLY_CHARS)
    fail(`${path}.reply is too long (${reply.length} characters; at most ${MAX_REPLY_CHARS})`);
  const out: EvalItemResult = {
    id: string(r.id, `${path}.id`),
    correct: boolean(r.correct, `${path}.correct`),
    reply,
    outputTokens: wholeNumber(r.outputTokens, `${path}.outputTokens`),
    finishReason: oneOf(r.finishReason, `${path}.finishReason`, FINISH_REASONS),
    ms: nonNegative(r.ms, `${path}.ms`),
    ttftMs: nonNegative(r.ttftMs, `${path}.ttftMs`),
    decodeTokensPerSecond: nonNegative(r.decodeTokensPerSecond, `${path}.decodeTokensPerSecond`),
  };
  const peak = optionalNonNegative(r.peakGpuMemoryBytes, `${path}.peakGpuMemoryBytes`);
  if (peak !== undefined) out.peakGpuMemoryBytes = peak;
  const extracted = optionalString(r.extracted, `${path}.extracted`);
  if (extracted !== undefined) out.extracted = extracted;
  const note = optionalString(r.note, `${path}.note`);
  if (note !== undefined) out.note = note;
  return out;
}

const OPTIONAL_RUN_NUMBERS = ['modelBytes', 'downloadedBytes', 'loadMs'] as const;

function run(value: unknown, path: string): EvalRun {
  const r = record(value, path);
  const items = array(r.items, `${path}.items`, MAX_EVAL_ITEMS, 'items').map((item, i) =>
    itemResult(item, `${path}.items[${i}]`),
  );
  const ids = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (ids.has(item.id)) fail(`${path}.items[${i}].id ${JSON.stringify(item.id.slice(0, 80))} appears twice`);
    ids.add(item.id);
  }
  const out: EvalRun = {
    engine: string(r.engine, `${path}.engine`),
    model: string(r.model, `${path}.model`),
    complete: boolean(r.complete, `${path}.complete`),
    items,
  };
  const computeDevice = optionalString(r.computeDevice, `${path}.computeDevice`);
  if (computeDevice !== undefined) out.computeDevice = computeDevice;
  const quantization = optionalString(r.quantization, `${path}.quantization`);
  if (quantization !== undefined) out.quantization = quantization;
  for (const key of OPTIONAL_RUN_NUMBERS) {
    const n = optionalNonNegative(r[key], `${path}.${key}`);
    if (n !== undefined) out[key] = n;
  }
  if (r.correctness !== undefined) out.correctness = readCorrectnessRecord(r.correctness, `${path}.correctness`);
  return out;
}

function suite(value: unknown): EvalSuiteRecord {
  const s = record(value, 'suite');
  const out: EvalSuiteRecord = {
    name: string(s.name, 'suite.name'),
    kind: oneOf(s.kind, 'suite.kind', ['built-in', 'user'] as const),
    items: wholeNumber(s.items, 'suite.items'),
    fingerprint: string(s.fingerprint, 'suite.fingerprint'),
  };
  if (s.lang !== undefined) out.lang = oneOf(s.lang, 'suite.lang', SUITE_LANGUAGES);
  if (s.seed !== undefined) out.seed = wholeNumber(s.seed, 'suite.seed');
  return out;
}

function settings(value: unknown): EvalSettings {
  const s = record(value, 'settings');
  const maxTokens = wholeNumber(s.maxTokens, 'settings.maxTokens');
  if (maxTokens < 1) fail('settings.maxTokens must be at least 1');
  return { maxTokens, temperature: finite(s.temperature, 'settings.temperature') };
}

/**
 * Checks a parsed evaluation file and returns a fresh copy holding only known fields, its
 * summary recomputed from the items. Never throws: a bad file is an answer naming its first bad field.
 */
export function validateEvalResult(json: unknown): EvalValidationResult {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      fail(`not an edge-llm evaluation file (expected an object, got ${describe(json)})`);
    }
    const root = json as Record<string, unknown>;
    checkSchema(root.schema);
    const createdAt = string(root.createdAt, 'createdAt');
    if (!/^\d{4}-\d{2}-\d{2}T/.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
      fail(`createdAt must be an ISO 8601 date and time (got ${JSON.stringify(createdAt.slice(0, 80))})`);
    }
    const runs = array(root.runs, 'runs', MAX_EVAL_RUNS, 'runs').map((r, i) => run(r, `runs[${i}]`));
    const notes =
      root.notes === undefined
        ? undefined
        : array(root.notes, 'notes', MAX_EVAL_RUNS, 'entries').map((note, i) => string(note, `notes[${i}]`));
    return {
      ok: true,
      value: createEvalResult({
        createdAt,
        device: device(root.device),
        suite: suite(root.suite),
        settings: settings(root.settings),
        runs,
        ...(notes ? { notes } : {}),
      }),
    };
  } catch (error) {
    if (error instanceof SchemaFieldError) return { ok: false, error: error.message };
    return { ok: false, error: `not a readable evaluation file (${String(error)})` };
  }
}

/** Parses and validates the text of an evaluation file. */
export function parseEvalResult(text: string): EvalValidationResult {
  if (text.length > MAX_EVAL_TEXT_LENGTH) {
    return { ok: false, error: `the file is too large (${text.length} characters; at most ${MAX_EVAL_TEXT_LENGTH})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the file is truncated or not JSON (${(error as Error).message})` };
  }
  return validateEvalResult(json);
}
