/**
 * The device benchmark's result file: a versioned, plain-JSON record of one device, its GPU
 * probe, repeated runs per engine and model, and the correctness check (this device's next-token
 * choices against the CPU's). `validateBenchResult` checks anything read back (a file, a share
 * link) field by field and names the first bad field; strings are kept as plain data and never
 * evaluated or rendered as markup here. Files of version 1 (no correctness check) are read too.
 */
import type { GpuProbeReport, SampleSummary } from '../shared/engine-api.js';
import { readBenchCorrectness, type BenchCorrectness } from './correctness-record.js';
import { readComparison, type BenchComparison } from './comparison-record.js';
import { probe } from './probe-schema.js';
import {
  array,
  MAX_ENTRIES,
  boolean,
  describe,
  fail,
  finite,
  nonNegative,
  optionalNonNegative,
  record,
  samples,
  SchemaFieldError,
  string,
} from './schema-checks.js';
import { summarize } from './stats.js';

export { MAX_ENTRIES, MAX_SAMPLES, MAX_STRING_LENGTH } from './schema-checks.js';

export type { BenchCorrectness };

export const BENCH_SCHEMA = 'edge-llm/bench@2' as const;
export const BENCH_SCHEMA_MAJOR = 2;
/** The oldest version still read: @1 is @2 without the correctness check. */
export const BENCH_SCHEMA_OLDEST_MAJOR = 1;

/** Longest text `parseBenchResult` reads (characters). */
export const MAX_TEXT_LENGTH = 20_000_000;

export interface BenchDevice {
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  features: string[];
  limits: Record<string, number>;
  browser: { brand: string; version: string };
  platform: string;
  hardwareConcurrency?: number;
  deviceMemoryGB?: number;
}

export interface BenchRun {
  engine: string;
  model: string;
  /**
   * Where the engine computed: "webgpu", "cpu" (as the engine reported it after loading) or
   * "wasm" (the CPU as asked for, from engines that do not report it).
   */
  computeDevice?: string;
  /** CPU threads the engine ran, when it reports them (llama.cpp). */
  computeThreads?: number;
  /** Why the engine ran where it did, when not on the GPU or not on every thread asked for. */
  computeReason?: string;
  /** Prompt tokens the engine counted (chat template included). */
  promptTokens: number;
  /** The prompt length the protocol asked for. */
  targetPromptTokens?: number;
  /** Output tokens asked for per run. */
  decodeTokens?: number;
  /** Output tokens each run produced (fewer than asked when the engine stopped at end-of-sequence). */
  outputTokens?: number[];
  ttftMs: number[];
  prefillTokensPerSecond: number[];
  decodeTokensPerSecond: number[];
  peakGpuMemoryBytes: number[];
  /** Load with the model's files fetched from the network (download + compile). */
  coldLoadMs?: number;
  /** Load with every file already in the browser's cache. */
  warmLoadMs?: number;
  /** Bytes of the model's weights, for the roofline. */
  weightBytes?: number;
  /** KV-cache bytes per token of context, for the roofline. */
  kvBytesPerToken?: number;
  /**
   * Bytes the loaded model took in the engine's WebAssembly heap (llama.cpp's CPU buffers: weights,
   * KV cache, compute), when the engine reports it; its GPU memory is then not in peakGpuMemoryBytes.
   */
  engineRamBytes?: number;
  /** True when the weights were random ones of the real shapes: "synthetic weights: speed only, no quality". */
  synthetic?: boolean;
}

/** The protocol a result was measured with (see docs/benchmark-protocol.md). */
export interface BenchProtocolRecord {
  version: string;
  runs: number;
  warmupRuns: number;
  decodeTokens: number;
  promptLengths: number[];
}

export const BENCH_METRICS = [
  'ttftMs',
  'prefillTokensPerSecond',
  'decodeTokensPerSecond',
  'peakGpuMemoryBytes',
] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];

export type RunSummary = Record<BenchMetric, SampleSummary>;

export interface BenchResult {
  schema: typeof BENCH_SCHEMA;
  /** ISO 8601 time the benchmark finished. */
  createdAt: string;
  device: BenchDevice;
  probe?: GpuProbeReport;
  protocol?: BenchProtocolRecord;
  runs: BenchRun[];
  /** One entry per run, in the same order, derived from the run's samples. */
  summary: RunSummary[];
  /** The correctness check of the benchmarked model on this device, when the benchmark ran one. */
  correctness?: BenchCorrectness;
  /** What the run noticed (e.g. a cold load that could not be measured). */
  notes?: string[];
  /** The engine comparison these runs belong to, when the benchmark compared engines. */
  comparison?: BenchComparison;
}

export type ValidationResult = { ok: true; value: BenchResult } | { ok: false; error: string };

export function summarizeRun(run: BenchRun): RunSummary {
  return Object.fromEntries(BENCH_METRICS.map((metric) => [metric, summarize(run[metric])])) as RunSummary;
}

/** A result with its summary computed from the runs. */
export function createBenchResult(input: {
  device: BenchDevice;
  runs: BenchRun[];
  probe?: GpuProbeReport;
  protocol?: BenchProtocolRecord;
  correctness?: BenchCorrectness;
  notes?: string[];
  comparison?: BenchComparison;
  createdAt?: string;
}): BenchResult {
  const result: BenchResult = {
    schema: BENCH_SCHEMA,
    createdAt: input.createdAt ?? new Date().toISOString(),
    device: input.device,
    runs: input.runs,
    summary: input.runs.map(summarizeRun),
  };
  if (input.probe) result.probe = input.probe;
  if (input.protocol) result.protocol = input.protocol;
  if (input.correctness) result.correctness = input.correctness;
  if (input.notes && input.notes.length > 0) result.notes = input.notes;
  if (input.comparison) result.comparison = input.comparison;
  return result;
}

function checkSchema(value: unknown): void {
  if (typeof value !== 'string') {
    fail(`not an edge-llm benchmark file (schema is ${value === undefined ? 'missing' : describe(value)})`);
  }
  const shown = JSON.stringify(value.slice(0, 80));
  const match = /^edge-llm\/bench@(\d+)(?:\.\d+)*$/.exec(value);
  if (!match) fail(`not an edge-llm benchmark file (schema ${shown}, expected "${BENCH_SCHEMA}")`);
  const major = Number(match[1]);
  if (major > BENCH_SCHEMA_MAJOR) {
    fail(`made by a newer edge-llm (schema ${shown}); this version reads "${BENCH_SCHEMA}": update edge-llm`);
  }
  if (major < BENCH_SCHEMA_OLDEST_MAJOR) {
    fail(`unsupported old benchmark file (schema ${shown}, expected "${BENCH_SCHEMA}")`);
  }
}

export function device(value: unknown): BenchDevice {
  const d = record(value, 'device');
  const a = record(d.adapter, 'device.adapter');
  const b = record(d.browser, 'device.browser');
  const limits = record(d.limits, 'device.limits');
  const limitKeys = Object.keys(limits);
  if (limitKeys.length > MAX_ENTRIES) {
    fail(`device.limits has too many entries (${limitKeys.length}; at most ${MAX_ENTRIES})`);
  }
  const out: BenchDevice = {
    adapter: {
      vendor: string(a.vendor, 'device.adapter.vendor'),
      architecture: string(a.architecture, 'device.adapter.architecture'),
      description: string(a.description, 'device.adapter.description'),
      isFallbackAdapter: boolean(a.isFallbackAdapter, 'device.adapter.isFallbackAdapter'),
    },
    features: array(d.features, 'device.features', MAX_ENTRIES, 'entries').map((f, i) =>
      string(f, `device.features[${i}]`),
    ),
    // Object.fromEntries defines own properties, so a key such as "__proto__" stays plain data.
    limits: Object.fromEntries(
      limitKeys.map((key) => {
        string(key, 'a device.limits key');
        return [key, finite(limits[key], `device.limits[${JSON.stringify(key)}]`)];
      }),
    ),
    browser: { brand: string(b.brand, 'device.browser.brand'), version: string(b.version, 'device.browser.version') },
    platform: string(d.platform, 'device.platform'),
  };
  const cores = optionalNonNegative(d.hardwareConcurrency, 'device.hardwareConcurrency');
  if (cores !== undefined) out.hardwareConcurrency = cores;
  const memory = optionalNonNegative(d.deviceMemoryGB, 'device.deviceMemoryGB');
  if (memory !== undefined) out.deviceMemoryGB = memory;
  return out;
}

const OPTIONAL_RUN_NUMBERS = [
  'targetPromptTokens',
  'decodeTokens',
  'coldLoadMs',
  'warmLoadMs',
  'weightBytes',
  'kvBytesPerToken',
  'engineRamBytes',
] as const;

function run(value: unknown, path: string): BenchRun {
  const r = record(value, path);
  const out: BenchRun = {
    engine: string(r.engine, `${path}.engine`),
    model: string(r.model, `${path}.model`),
    promptTokens: nonNegative(r.promptTokens, `${path}.promptTokens`),
    ttftMs: samples(r.ttftMs, `${path}.ttftMs`),
    prefillTokensPerSecond: samples(r.prefillTokensPerSecond, `${path}.prefillTokensPerSecond`),
    decodeTokensPerSecond: samples(r.decodeTokensPerSecond, `${path}.decodeTokensPerSecond`),
    peakGpuMemoryBytes: samples(r.peakGpuMemoryBytes, `${path}.peakGpuMemoryBytes`),
  };
  if (r.computeDevice !== undefined) out.computeDevice = string(r.computeDevice, `${path}.computeDevice`);
  if (r.computeThreads !== undefined) out.computeThreads = nonNegative(r.computeThreads, `${path}.computeThreads`);
  if (r.computeReason !== undefined) out.computeReason = string(r.computeReason, `${path}.computeReason`);
  if (r.outputTokens !== undefined) out.outputTokens = samples(r.outputTokens, `${path}.outputTokens`);
  if (r.synthetic !== undefined) out.synthetic = boolean(r.synthetic, `${path}.synthetic`);
  for (const key of OPTIONAL_RUN_NUMBERS) {
    const n = optionalNonNegative(r[key], `${path}.${key}`);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function protocol(value: unknown): BenchProtocolRecord {
  const p = record(value, 'protocol');
  return {
    version: string(p.version, 'protocol.version'),
    runs: nonNegative(p.runs, 'protocol.runs'),
    warmupRuns: nonNegative(p.warmupRuns, 'protocol.warmupRuns'),
    decodeTokens: nonNegative(p.decodeTokens, 'protocol.decodeTokens'),
    promptLengths: array(p.promptLengths, 'protocol.promptLengths', MAX_ENTRIES, 'entries').map((n, i) =>
      nonNegative(n, `protocol.promptLengths[${i}]`),
    ),
  };
}

/**
 * Checks a parsed benchmark file and returns a fresh copy holding only known fields, as the
 * current version (a version 1 file simply has no correctness check). The summary is recomputed
 * from the samples, so a file cannot claim figures its samples lack.
 */
export function validateBenchResult(json: unknown): ValidationResult {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      fail(`not an edge-llm benchmark file (expected an object, got ${describe(json)})`);
    }
    const root = json as Record<string, unknown>;
    checkSchema(root.schema);
    const createdAt = string(root.createdAt, 'createdAt');
    if (!/^\d{4}-\d{2}-\d{2}T/.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
      fail(`createdAt must be an ISO 8601 date and time (got ${JSON.stringify(createdAt.slice(0, 80))})`);
    }
    const runs = array(root.runs, 'runs', MAX_ENTRIES, 'runs').map((r, i) => run(r, `runs[${i}]`));
    return {
      ok: true,
      value: createBenchResult({
        createdAt,
        device: device(root.device),
        runs,
        ...(root.probe === undefined ? {} : { probe: probe(root.probe) }),
        ...(root.protocol === undefined ? {} : { protocol: protocol(root.protocol) }),
        ...(root.correctness === undefined
          ? {}
          : { correctness: readBenchCorrectness(root.correctness, 'correctness') }),
        ...(root.comparison === undefined
          ? {}
          : { comparison: readComparison(root.comparison, 'comparison', runs.length) }),
        ...(root.notes === undefined
          ? {}
          : {
              notes: array(root.notes, 'notes', MAX_ENTRIES, 'entries').map((note, i) => string(note, `notes[${i}]`)),
            }),
      }),
    };
  } catch (error) {
    if (error instanceof SchemaFieldError) return { ok: false, error: error.message };
    // A getter, a proxy or a stack overflow on absurd nesting: still an answer, never a throw.
    return { ok: false, error: `not a readable benchmark file (${String(error)})` };
  }
}

/** Parses and validates the text of a benchmark file. */
export function parseBenchResult(text: string): ValidationResult {
  if (text.length > MAX_TEXT_LENGTH) {
    return { ok: false, error: `the file is too large (${text.length} characters; at most ${MAX_TEXT_LENGTH})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the file is truncated or not JSON (${(error as Error).message})` };
  }
  return validateBenchResult(json);
}
